package dev.parley.media.internal;

import dev.parley.platform.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Blobs under {@code <data>/media/blobs/ab/cd/<sha256>}: two levels of hash-prefix folders keep any one folder
 * small (65,536 leaves). A blob appears under its final name only complete (written aside, then renamed).
 */
final class LocalMediaStore implements MediaStore {
    private final Path root;

    LocalMediaStore(Path root) throws IOException {
        this.root = root;
        PrivateFiles.createDirectories(root);
    }

    Path root() { return root; }

    private Path path(String key) {
        if (!key.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("not a SHA-256 key");
        return root.resolve(key.substring(0, 2)).resolve(key.substring(2, 4)).resolve(key);
    }

    @Override
    public void put(String key, Path source) throws IOException {
        Path target = path(key);
        if (Files.exists(target)) {
            Files.deleteIfExists(source);
            return;
        }
        PrivateFiles.createDirectories(target.getParent());
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException raced) {
            Files.deleteIfExists(source);
        } catch (AtomicMoveNotSupportedException otherDisk) {
            Path aside = target.resolveSibling(key + ".part-" + Long.toHexString(System.nanoTime()));
            try {
                Files.copy(source, aside);
                PrivateFiles.restrict(aside);
                Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(aside);
                Files.deleteIfExists(source);
            }
        }
    }

    @Override
    public boolean exists(String key) {
        return Files.exists(path(key));
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(path(key));
    }

    @Override
    public InputStream open(String key, long start, long length) throws IOException {
        FileChannel ch = FileChannel.open(path(key), StandardOpenOption.READ);
        ch.position(start);
        InputStream in = Channels.newInputStream(ch);
        return new java.io.FilterInputStream(in) {
            long left = length;

            @Override
            public int read() throws IOException {
                if (left <= 0) return -1;
                int b = super.read();
                if (b >= 0) left--;
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) return -1;
                int n = super.read(b, off, (int) Math.min(len, left));
                if (n > 0) left -= n;
                return n;
            }
        };
    }

    @Override
    public Path localFile(String key) {
        Path p = path(key);
        return Files.exists(p) ? p : null;
    }

    @Override
    public String describe() {
        return "local folder " + root;
    }
}
