package dev.parley.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.util.FileSystemUtils;

/**
 * A real S3-compatible server for the S3 media store tests: S3Proxy (Maven Central {@code org.gaul:s3proxy}, copied
 * to {@code target/s3proxy/s3proxy.jar} by the build) on a temporary folder, in a JVM of its own (its Jetty and
 * Jackson 2 would clash with the server's classpath). One per test run, started on first use, stopped at exit.
 */
public final class S3Proxy {
    public static final String ACCESS_KEY = "parley-test-access";
    public static final String SECRET_KEY = "parley-test-secret-0123456789";

    private static S3Proxy shared;

    private final Process process;
    private final Path baseDir;
    private final int port;

    private S3Proxy() throws Exception {
        Path jar = Path.of("target", "s3proxy", "s3proxy.jar").toAbsolutePath();
        if (!Files.exists(jar)) throw new IllegalStateException("S3Proxy jar missing at " + jar + " (the Maven build copies it in process-test-resources)");
        this.baseDir = Files.createTempDirectory("parley-s3proxy-");
        Path data = Files.createDirectories(baseDir.resolve("data"));
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            this.port = s.getLocalPort();
        }
        Path props = baseDir.resolve("s3proxy.properties");
        Files.writeString(props, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem-nio2",
                "jclouds.filesystem.basedir=" + data,
                ""));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        this.process = new ProcessBuilder(List.of(java, "-Xmx256m", "-jar", jar.toString(), "--properties", props.toString()))
                .redirectErrorStream(true).redirectOutput(baseDir.resolve("s3proxy.log").toFile()).start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            if (!process.isAlive()) throw new IllegalStateException("S3Proxy exited; see " + baseDir.resolve("s3proxy.log"));
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
                break;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("S3Proxy did not start in 60 s");
                Thread.sleep(200);
            }
        }
    }

    public static synchronized S3Proxy shared() {
        if (shared == null) {
            try {
                shared = new S3Proxy();
            } catch (Exception e) {
                throw new IllegalStateException("could not start S3Proxy", e);
            }
            S3Proxy s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
        }
        return shared;
    }

    public String endpoint() { return "http://127.0.0.1:" + port; }

    /** The folder holding a bucket's objects (the filesystem-nio2 backend keeps one file per object). */
    public Path bucketDir(String bucket) { return baseDir.resolve("data").resolve(bucket); }

    /** Names of the objects in a bucket. */
    public List<String> objects(String bucket) throws IOException {
        Path dir = bucketDir(bucket);
        if (!Files.exists(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    private void stop() {
        process.destroy();
        try {
            process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
        try {
            FileSystemUtils.deleteRecursively(baseDir);
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}
