//! The tasks the server knows and its queue: at most `concurrency` tasks hold a slot at once,
//! the rest wait in order. A task is given a slot back-dated to the instant one freed, so what
//! a client sees does not depend on how often anyone asks.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use super::task::{Phase, Task, TaskFault, Timing};

pub struct Store {
    inner: Mutex<Inner>,
    timing: Timing,
    concurrency: usize,
    queue_size: usize,
}

#[derive(Default)]
struct Inner {
    tasks: Vec<Task>,
    by_id: HashMap<String, usize>,
    /// `(parent, custom id)` → the task a U made, for "already exists".
    upscales: HashMap<(String, String), String>,
    /// Faults for the next tasks created, in order.
    scripted: VecDeque<TaskFault>,
}

/// What became of a task sent to the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    Started,
    /// Waiting for a slot behind this many others.
    Queued {
        ahead: usize,
    },
    /// More are waiting than the queue holds; the task was not kept.
    Full,
}

impl Store {
    pub fn new(timing: Timing, concurrency: usize, queue_size: usize) -> Store {
        Store {
            inner: Mutex::default(),
            timing,
            concurrency: concurrency.max(1),
            queue_size,
        }
    }

    pub fn timing(&self) -> Timing {
        self.timing
    }

    /// Keeps `task`; queued unless it is MODAL (`queued` is `None`).
    pub fn add(&self, mut task: Task) -> Admission {
        let mut inner = self.ticked();
        if let Some(fault) = inner.scripted.pop_front() {
            task.fault = Some(fault);
        }
        if task.queued.is_some() && inner.waiting() >= self.queue_size {
            return Admission::Full;
        }
        let id = task.id.clone();
        let index = inner.tasks.len();
        inner.by_id.insert(id.clone(), index);
        inner.tasks.push(task);
        self.tick(&mut inner, Instant::now());
        inner.admission(&id)
    }

    /// Sends a MODAL task to the queue after `confirm` fills it in; `Err` if there is no such
    /// task or it is not MODAL, saying why.
    pub fn confirm(&self, id: &str, confirm: impl FnOnce(&mut Task)) -> Result<Admission, String> {
        let mut inner = self.ticked();
        let waiting = inner.waiting();
        let task = inner
            .get_mut(id)
            .ok_or_else(|| format!("no task {id}: submit the action first"))?;
        if task.queued.is_some() {
            return Err(format!(
                "task {id} is not waiting for confirmation (status is not MODAL)"
            ));
        }
        if waiting >= self.queue_size {
            return Ok(Admission::Full);
        }
        confirm(task);
        task.queued = Some(Instant::now());
        self.tick(&mut inner, Instant::now());
        Ok(inner.admission(id))
    }

    /// The task and where it stands now; `None` if unknown.
    pub fn get(&self, id: &str) -> Option<(Task, Phase)> {
        let inner = self.ticked();
        let task = inner.by_id.get(id).map(|&i| inner.tasks[i].clone())?;
        let phase = task.phase(Instant::now(), self.timing);
        Some((task, phase))
    }

    pub fn len(&self) -> usize {
        self.lock().tasks.len()
    }

    /// The task an earlier identical U made, if any.
    pub fn upscaled_before(&self, parent: &str, custom_id: &str) -> Option<String> {
        let inner = self.lock();
        inner
            .upscales
            .get(&(parent.to_owned(), custom_id.to_owned()))
            .cloned()
    }

    pub fn remember_upscale(&self, parent: &str, custom_id: &str, made: &str) {
        let key = (parent.to_owned(), custom_id.to_owned());
        self.lock().upscales.insert(key, made.to_owned());
    }

    /// The next tasks created get these faults, one each, whatever their prompt.
    pub fn script(&self, fault: TaskFault) {
        self.lock().scripted.push_back(fault);
    }

    fn ticked(&self) -> MutexGuard<'_, Inner> {
        let mut inner = self.lock();
        self.tick(&mut inner, Instant::now());
        inner
    }

    /// Gives waiting tasks, oldest first, the slots that freed up to `now`.
    fn tick(&self, inner: &mut Inner, now: Instant) {
        let mut waiting: Vec<usize> = (0..inner.tasks.len())
            .filter(|&i| inner.tasks[i].queued.is_some() && inner.tasks[i].started.is_none())
            .collect();
        waiting.sort_by_key(|&i| inner.tasks[i].queued);
        for i in waiting {
            let Some(from) = inner.tasks[i].queued else {
                continue;
            };
            match self.free_slot(inner, from) {
                Some(at) if at <= now => inner.tasks[i].started = Some(at),
                _ => break,
            }
        }
    }

    /// The first instant from `from` on when fewer than `concurrency` tasks hold a slot.
    fn free_slot(&self, inner: &Inner, from: Instant) -> Option<Instant> {
        let held: Vec<(Instant, Option<Instant>)> = inner
            .tasks
            .iter()
            .filter_map(|t| Some((t.started?, t.frees_slot_at(self.timing))))
            .collect();
        let busy_at = |at: Instant| {
            let holding = |&&(start, end): &&(Instant, Option<Instant>)| {
                start <= at && end.is_none_or(|end| at < end)
            };
            held.iter().filter(holding).count()
        };
        let mut candidates: Vec<Instant> = held
            .iter()
            .filter_map(|&(_, end)| end.filter(|&e| e > from))
            .collect();
        candidates.push(from);
        candidates.sort();
        candidates
            .into_iter()
            .find(|&at| busy_at(at) < self.concurrency)
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere must not take the whole stand-in down with it.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Inner {
    fn get_mut(&mut self, id: &str) -> Option<&mut Task> {
        let i = *self.by_id.get(id)?;
        self.tasks.get_mut(i)
    }

    fn waiting(&self) -> usize {
        self.tasks
            .iter()
            .filter(|t| t.queued.is_some() && t.started.is_none())
            .count()
    }

    fn admission(&self, id: &str) -> Admission {
        let Some(task) = self.by_id.get(id).map(|&i| &self.tasks[i]) else {
            return Admission::Full;
        };
        if task.started.is_some() {
            return Admission::Started;
        }
        let ahead = self
            .tasks
            .iter()
            .filter(|t| t.started.is_none() && t.queued.is_some() && t.queued < task.queued)
            .count();
        Admission::Queued { ahead }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::mjplus::pictures::Picture;
    use crate::mjplus::task::{Action, Mode};

    fn task(prompt: &str) -> Task {
        let picture = Picture::grid(prompt, 8, 8);
        Task::new(Action::Imagine, prompt.into(), Mode::Default, picture)
    }

    #[test]
    fn a_slot_frees_when_a_task_ends_and_the_next_takes_it_then() {
        let timing = Timing {
            pending: Duration::from_millis(10),
            running: Duration::from_millis(50),
        };
        let store = Store::new(timing, 1, 1);
        let first = task("a");
        let first_id = first.id.clone();
        assert_eq!(store.add(first), Admission::Started);
        let second = task("b");
        let second_id = second.id.clone();
        assert_eq!(store.add(second), Admission::Queued { ahead: 0 });
        assert_eq!(store.add(task("c")), Admission::Full);
        std::thread::sleep(Duration::from_millis(100));
        let (a, _) = store.get(&first_id).unwrap();
        let (b, phase) = store.get(&second_id).unwrap();
        assert_eq!(
            b.started,
            a.frees_slot_at(timing),
            "back-dated to the free slot"
        );
        assert!(matches!(phase, Phase::InProgress(_)), "{phase:?}");
    }
}
