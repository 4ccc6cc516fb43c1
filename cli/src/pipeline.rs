//! An ordered, bounded, parallel pipeline: one thread produces batches, worker threads turn
//! them into results, and the calling thread consumes the results in the order the batches
//! were produced.
//!
//! At most `in_flight` batches exist at once, produced but not yet consumed: the producer
//! takes a token before it sends a batch, and the consumer returns it after consuming that
//! batch's result. Memory is bounded by that many batches, however long the input.

use std::collections::BTreeMap;
use std::io;
use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Arc, Mutex};

/// The number of worker threads: one per available core.
pub fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Runs `produce` on a thread of its own, `work` on `workers` threads and `consume` on this
/// one, in the order the batches were produced.
///
/// `produce` gets a function that sends one batch and returns `false` once nothing is
/// consumed any more (the consumer failed): it should stop then.
///
/// # Errors
///
/// The first error of `consume`; the pipeline stops there.
pub fn run<B, R>(
    workers: usize,
    in_flight: usize,
    produce: impl FnOnce(&mut dyn FnMut(B) -> bool) + Send,
    work: impl Fn(B) -> R + Sync,
    mut consume: impl FnMut(R) -> io::Result<()>,
) -> io::Result<()>
where
    B: Send,
    R: Send,
{
    let in_flight = in_flight.max(1);
    let (token_tx, token_rx) = sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        // The channel holds exactly `in_flight` tokens, so none of these sends blocks.
        let _ = token_tx.send(());
    }
    let (job_tx, job_rx) = sync_channel::<(u64, B)>(in_flight);
    let (result_tx, result_rx) = sync_channel::<(u64, R)>(in_flight);
    let job_rx = Arc::new(Mutex::new(job_rx));
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut next = 0u64;
            let mut send = |batch: B| {
                if token_rx.recv().is_err() {
                    return false;
                }
                let sent = job_tx.send((next, batch)).is_ok();
                next += 1;
                sent
            };
            produce(&mut send);
        });
        for _ in 0..workers.max(1) {
            let (job_rx, result_tx, work) = (Arc::clone(&job_rx), result_tx.clone(), &work);
            scope.spawn(move || {
                while let Some((index, batch)) = next_job(&job_rx) {
                    if result_tx.send((index, work(batch))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(result_tx);
        let consumed = in_order(&result_rx, |result| {
            consume(result)?;
            let _ = token_tx.send(());
            Ok(())
        });
        // Dropping the receiving ends stops the producer and the workers, if still running.
        drop(token_tx);
        drop(result_rx);
        consumed
    })
}

fn next_job<B>(jobs: &Mutex<Receiver<(u64, B)>>) -> Option<(u64, B)> {
    // A worker that panicked while holding the lock poisons it; the rest still drain the queue.
    let guard = jobs
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    guard.recv().ok()
}

fn in_order<R>(
    results: &Receiver<(u64, R)>,
    mut consume: impl FnMut(R) -> io::Result<()>,
) -> io::Result<()> {
    let mut waiting = BTreeMap::new();
    let mut next = 0u64;
    for (index, result) in results {
        waiting.insert(index, result);
        while let Some(result) = waiting.remove(&next) {
            consume(result)?;
            next += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_order_with_few_batches_in_flight() {
        let mut seen = Vec::new();
        run(
            2,
            3,
            |send| {
                for batch in 0..200u64 {
                    assert!(send(batch));
                }
            },
            |batch| {
                if batch % 7 == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                batch * 2
            },
            |result| {
                seen.push(result);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(seen, (0..200).map(|b| b * 2).collect::<Vec<_>>());
    }

    #[test]
    fn a_failing_consumer_stops_the_producer() {
        let mut stopped = false;
        let outcome = run(
            2,
            2,
            |send| {
                for batch in 0..1_000_000u64 {
                    if !send(batch) {
                        stopped = true;
                        return;
                    }
                }
            },
            |batch| batch,
            |result| {
                if result == 5 {
                    Err(io::Error::other("closed"))
                } else {
                    Ok(())
                }
            },
        );
        assert!(outcome.is_err());
        assert!(stopped);
    }
}
