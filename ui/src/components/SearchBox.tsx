import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { marks } from "../library/marks";
import { filter, setFilter } from "../library/query";
import { opened } from "../library/results";
import { searchWanted } from "../state";

let timer: ReturnType<typeof setTimeout> | undefined;

/** Searches prompts as the person types (words, prefixes, "quoted phrases"). */
export function SearchBox() {
  const text = useSignal(filter.value.search);
  const input = useRef<HTMLInputElement>(null);
  const wanted = searchWanted.value;
  useEffect(() => {
    if (!wanted) return;
    input.current?.focus();
    input.current?.select();
  }, [wanted]);
  // A saved search or "clear" sets the search from elsewhere.
  if (text.peek() !== filter.value.search && !timer) text.value = filter.value.search;
  const onInput = (e: Event) => {
    text.value = (e.target as HTMLInputElement).value;
    marks.start("search", opened.peek() + 1);
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      setFilter({ search: text.value });
    }, 120);
  };
  return (
    <input
      class="search"
      type="search"
      placeholder="Search prompts — words, prefixes, “quoted phrases”"
      aria-label="Search history"
      title="Search history (Ctrl+F)"
      data-testid="search"
      ref={input}
      value={text.value}
      onInput={onInput}
    />
  );
}
