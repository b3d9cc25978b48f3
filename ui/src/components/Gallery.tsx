import { jobs, loaded, search } from "../state";
import { JobCard } from "./JobCard";

export function Gallery() {
  if (!loaded.value) return <main class="gallery" aria-busy="true" />;
  if (jobs.value.length === 0) {
    return (
      <main class="gallery empty" data-testid="gallery">
        <p>
          {search.value.trim()
            ? `Nothing in your history matches “${search.value.trim()}”.`
            : "Your images will appear here. Write a prompt above to make the first."}
        </p>
      </main>
    );
  }
  return (
    <main class="gallery" data-testid="gallery">
      {jobs.value.map((job) => (
        <JobCard key={job.id} job={job} />
      ))}
    </main>
  );
}
