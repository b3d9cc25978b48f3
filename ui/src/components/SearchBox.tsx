import { refreshJobs, search } from "../state";

let timer: ReturnType<typeof setTimeout> | undefined;

export function SearchBox() {
  const onInput = (e: Event) => {
    search.value = (e.target as HTMLInputElement).value;
    clearTimeout(timer);
    timer = setTimeout(refreshJobs, 200);
  };
  return (
    <input
      class="search"
      type="search"
      placeholder="Search history"
      aria-label="Search history"
      data-testid="search"
      value={search.value}
      onInput={onInput}
    />
  );
}
