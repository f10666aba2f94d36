package dev.parley.platform;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** Runs blocking work (JDBC, hashing) on virtual threads so that no event loop ever waits on it. */
@Component
public class Blocking implements AutoCloseable {
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("parley-vt-", 0).factory());
    /**
     * A plain {@link java.util.concurrent.Executor} view ({@code executor::execute}): given an ExecutorService,
     * Reactor interrupts a task's thread when its subscriber cancels (a client gone, or a request whose body failed
     * to decode while its token was being checked), and an interrupt in the middle of JDBC closes the socket of a
     * pooled PostgreSQL connection. Cancelled work runs to its end instead; its result is dropped.
     */
    private final Scheduler scheduler = Schedulers.fromExecutor(executor::execute);

    public <T> Mono<T> call(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(scheduler);
    }

    public void run(Runnable work) {
        executor.execute(work);
    }

    public ExecutorService executor() { return executor; }

    public Scheduler scheduler() { return scheduler; }

    @Override
    public void close() {
        scheduler.dispose();
        executor.shutdown();
    }
}
