package dev.parley.platform;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data folder and everything in it are the server's alone: folders {@code rwx------}, files {@code rw-------}
 * (the database and its WAL, signing keys, media blobs, uploads, work files). Permissions are set explicitly after
 * creating, not left to the umask, which a service manager may well leave at 022. A data folder from an older
 * version (or copied in by hand) is tightened once at start. Where the file system has no POSIX permissions these
 * are plain creates.
 */
public final class PrivateFiles {
    private static final Logger log = LoggerFactory.getLogger(PrivateFiles.class);
    public static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    /** Data folders already made private in this process (each server start checks its own once). */
    private static final Set<Path> PREPARED = ConcurrentHashMap.newKeySet();

    private PrivateFiles() {}

    /**
     * The data folder, created owner-only if missing; if it or anything directly in it is open to others, the whole
     * tree is tightened (once per process and folder: a tree of a million media blobs is not walked on every start).
     */
    public static Path dataDir(Path configured) throws IOException {
        Path dir = configured.toAbsolutePath().normalize();
        if (PREPARED.contains(dir)) return dir;
        synchronized (PREPARED) {
            if (PREPARED.contains(dir)) return dir;
            createDirectories(dir);
            if (POSIX && looseAtTop(dir)) {
                log.info("Data folder {}: making every file and folder in it readable by this user only", dir);
                tighten(dir);
            }
            PREPARED.add(dir);
        }
        return dir;
    }

    /** {@code dir} and its missing parents, each created owner-only. */
    public static Path createDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return dir;
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) createDirectories(parent);
        try {
            if (POSIX) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(FOLDER));
                Files.setPosixFilePermissions(dir, FOLDER); // the umask may have taken bits off the mode asked for
            } else {
                Files.createDirectory(dir);
            }
        } catch (java.nio.file.FileAlreadyExistsException raced) {
            if (!Files.isDirectory(dir)) throw raced;
        }
        return dir;
    }

    /** A new empty file, owner-only. */
    public static Path createFile(Path file) throws IOException {
        if (!POSIX) return Files.createFile(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
        Files.setPosixFilePermissions(file, FILE);
        return file;
    }

    /** An empty file, owner-only, unless it exists already. */
    public static void createFileIfMissing(Path file) throws IOException {
        try {
            createFile(file);
        } catch (java.nio.file.FileAlreadyExistsException exists) {
            // kept as it is (tightened with the data folder)
        }
    }

    /** Makes an existing file owner-only (a file copied into place, whose mode the copy chose). */
    public static void restrict(Path file) throws IOException {
        if (POSIX) Files.setPosixFilePermissions(file, Files.isDirectory(file) ? FOLDER : FILE);
    }

    /** Attributes for {@code Files.createTempFile} and the like: owner-only where the file system has them. */
    public static FileAttribute<?>[] fileAttributes() {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
    }

    private static boolean looseAtTop(Path dir) throws IOException {
        if (!Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(FOLDER)) return true;
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                if (Files.isSymbolicLink(p)) continue;
                if (!Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).equals(Files.isDirectory(p) ? FOLDER : FILE)) return true;
            }
        }
        return false;
    }

    /** Every folder {@code rwx------}, every file {@code rw-------}; symbolic links are not followed. */
    static void tighten(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                Files.setPosixFilePermissions(d, FOLDER);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) Files.setPosixFilePermissions(f, FILE);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
