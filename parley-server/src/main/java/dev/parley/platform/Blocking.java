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
     * A plain Executor, not an ExecutorService: a cancelled subscription (a client that hung up) must not interrupt
     * the virtual thread, which would close a PostgreSQL socket mid-transaction and throw the connection away.
     * The work finishes; its answer is dropped.
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
