// @tanstack/virtual-core in a Preact hook, as @tanstack/react-virtual does for React: the
// virtualizer works out which rows are in view; this only re-renders when it says so.
import {
  elementScroll,
  observeElementOffset,
  observeElementRect,
  Virtualizer,
  type VirtualizerOptions,
} from "@tanstack/virtual-core";
import type { RefObject } from "preact";
import { useEffect, useLayoutEffect, useReducer, useRef, useState } from "preact/hooks";

type Options = Pick<
  VirtualizerOptions<HTMLElement, HTMLElement>,
  "count" | "getScrollElement" | "estimateSize" | "overscan" | "paddingStart" | "paddingEnd"
>;

export function useVirtualizer(options: Options): Virtualizer<HTMLElement, HTMLElement> {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const resolved: VirtualizerOptions<HTMLElement, HTMLElement> = {
    observeElementRect,
    observeElementOffset,
    scrollToFn: elementScroll,
    ...options,
    onChange: () => rerender(undefined),
  };
  const [instance] = useState(() => new Virtualizer(resolved));
  instance.setOptions(resolved);
  useLayoutEffect(() => instance._didMount(), []);
  useLayoutEffect(() => instance._willUpdate());
  return instance;
}

/**
 * The element's inner size, followed as the window, the side bar or the date rail change it
 * (read during a render it would be the size before that render's changes). The element may
 * mount after the component does: every commit looks whether it is the one observed.
 */
export function useSize(ref: RefObject<HTMLElement>): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  const observed = useRef<{ el: HTMLElement; observer?: ResizeObserver } | null>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || observed.current?.el === el) return;
    observed.current?.observer?.disconnect();
    const measure = () => {
      const next = { width: el.clientWidth, height: el.clientHeight };
      setSize((was) => (was.width === next.width && was.height === next.height ? was : next));
    };
    measure();
    // Test DOMs have no ResizeObserver; their size is fixed anyway.
    const observer =
      typeof ResizeObserver === "undefined" ? undefined : new ResizeObserver(measure);
    observer?.observe(el);
    observed.current = { el, observer };
  });
  useEffect(() => () => observed.current?.observer?.disconnect(), []);
  return size;
}
