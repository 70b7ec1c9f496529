package org.infnet.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes files so that readers never see a partial file: data goes to a hidden temporary file in the
 * target's folder, which is renamed over the target only after a successful write. On any failure
 * (including a full disk) the temporary file is deleted, the target is left untouched, and the
 * {@link IOException} names the target and the problem (e.g. {@code cannot write out/a.csv: No space
 * left on device}).
 *
 * <p>Temporary files are named {@code .infnet-HOST-PID-N.part} (HOST a hash of the host name, PID this process),
 * short whatever the target's name, so that a target name of the file system's maximum length (255 bytes) can be
 * written. They are created with the default mode (0666 less the umask) and, when the target exists, get its
 * permissions, so outputs are as readable as any file the user creates (not 0600 as {@code createTempFile} makes
 * them).
 *
 * <p>Termination: a shutdown hook (SIGTERM, Ctrl-C, {@code System.exit}) deletes the temporary files being written
 * and the files of every unfinished {@link Group} (the outputs of one input already renamed into place), and from
 * then on no temporary file is created or renamed. What a killed process (SIGKILL, power loss) leaves is removed by
 * the next write into the folder: temporary files of this host whose process is gone, and those of other hosts
 * older than a day.
 */
public final class AtomicFiles {

    /** Code that writes a file's bytes. */
    @FunctionalInterface
    public interface Writer {
        /** Writes the content to {@code out}. */
        void write(OutputStream out) throws IOException;
    }

    /**
     * Fault injection for tests (this thread only): wraps the stream to the temporary file, e.g. to fail
     * like a full disk part-way through a write.
     */
    static final ThreadLocal<UnaryOperator<OutputStream>> STREAM_FILTER = ThreadLocal.withInitial(() -> s -> s);

    /** Start of every temporary file's name. */
    static final String TMP_PREFIX = ".infnet-";

    /** Temporary file names: prefix, host hash, process id, counter, {@code .part} and the caller's suffix. */
    static final Pattern TMP_NAME = Pattern.compile(Pattern.quote(TMP_PREFIX) + "([0-9a-f]{8})-(\\d+)-\\d+\\.part.*");

    static final String HOST = String.format("%08x", hostName().hashCode());
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicLong COUNTER = new AtomicLong();

    /** Guards renames, {@link #LIVE}, the groups and {@link #shuttingDown} against the shutdown hook. */
    private static final Object LOCK = new Object();
    /** Temporary files being written. */
    private static final Set<Path> LIVE = new HashSet<>();
    /** Groups begun and not yet committed or closed. */
    private static final Set<Group> OPEN = new HashSet<>();
    /** Folders whose stale temporary files were looked for. */
    private static final Set<Path> SWEPT = ConcurrentHashMap.newKeySet();
    private static boolean shuttingDown;
    private static boolean hooked;

    private AtomicFiles() {}

    /** Code that writes a whole file at a given (temporary) path. */
    @FunctionalInterface
    public interface PathWriter {
        /** Writes the content to {@code tmp}. */
        void write(Path tmp) throws IOException;
    }

    /**
     * Files that belong together (the outputs of one input): every file written atomically on a thread the group is
     * {@link #begin begun} or {@link #bind bound} on joins it once renamed into place. If the JVM shuts down before
     * {@link #commit}, the shutdown hook deletes them, so that a terminated run leaves complete groups only.
     */
    public static final class Group implements AutoCloseable {
        private static final ThreadLocal<Group> CURRENT = new ThreadLocal<>();
        private final List<Path> files = new ArrayList<>();
        private final Group previous;
        private boolean done;

        private Group(Group previous) {
            this.previous = previous;
        }

        /** Begins a group on this thread (groups nest: closing one restores the one before). */
        public static Group begin() {
            Group g = new Group(CURRENT.get());
            synchronized (LOCK) {
                OPEN.add(g);
            }
            CURRENT.set(g);
            return g;
        }

        /** The group of this thread, or null. */
        public static Group current() {
            return CURRENT.get();
        }

        /**
         * Makes files written on this (another) thread join {@code group} until the returned handle is closed; a
         * null group binds nothing.
         */
        public static AutoCloseable bind(Group group) {
            Group before = CURRENT.get();
            CURRENT.set(group);
            return () -> CURRENT.set(before);
        }

        /** The group is complete: its files stay whatever happens next. */
        public void commit() {
            synchronized (LOCK) {
                done = true;
                OPEN.remove(this);
            }
        }

        /** Ends the group on this thread; an uncommitted group's files are the caller's to delete. */
        @Override
        public void close() {
            synchronized (LOCK) {
                OPEN.remove(this);
            }
            if (CURRENT.get() == this) {
                CURRENT.set(previous);
            }
        }
    }

    /** Writes {@code file} atomically through {@code writer}. */
    public static void write(Path file, Writer writer) throws IOException {
        writeVia(file, "", tmp -> {
            try (OutputStream out = new BufferedOutputStream(STREAM_FILTER.get().apply(Files.newOutputStream(tmp,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)), 1 << 16)) {
                writer.write(out);
            }
        });
    }

    /**
     * Writes {@code file} atomically with a writer that needs a path (e.g. ImageJ's savers): it writes
     * a temporary file ending in {@code tmpSuffix} beside the target, which then replaces the target.
     * An empty result counts as a failed write.
     */
    public static void writeVia(Path file, String tmpSuffix, PathWriter writer) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        if (Files.isDirectory(abs)) {
            throw new IOException("Output path " + file + " is a directory");
        }
        Path tmp;
        try {
            Files.createDirectories(dir);
            sweep(dir);
            tmp = createTemporary(dir, tmpSuffix);
        } catch (IOException e) {
            throw new IOException("cannot write " + file + ": " + reason(e), e);
        }
        try {
            writer.write(tmp);
            if (Files.size(tmp) == 0) {
                throw new IOException("nothing was written to " + file);
            }
            keepPermissions(abs, tmp);
            synchronized (LOCK) {
                if (shuttingDown) {
                    throw new IOException("the program is being terminated");
                }
                try {
                    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
                }
                Group g = Group.CURRENT.get();
                if (g != null && !g.done) {
                    g.files.add(abs);
                }
            }
        } catch (IOException e) {
            String m = e.getMessage();
            if (m != null && m.contains(abs.getFileName().toString()) && !m.contains(tmp.getFileName().toString())) {
                throw e; // already names the file
            }
            throw new IOException("cannot write " + file + ": " + reason(e), e);
        } finally {
            synchronized (LOCK) {
                LIVE.remove(tmp);
            }
            Files.deleteIfExists(tmp);
        }
    }

    /** Creates a new, empty temporary file in {@code dir} with the default permissions, and registers it. */
    private static Path createTemporary(Path dir, String suffix) throws IOException {
        synchronized (LOCK) {
            if (shuttingDown) {
                throw new IOException("the program is being terminated");
            }
            if (!hooked) {
                try {
                    Runtime.getRuntime().addShutdownHook(new Thread(AtomicFiles::terminate, "infnet-cleanup"));
                } catch (IllegalStateException | SecurityException e) {
                    // written while the JVM is already ending (another hook): nothing left to clean up after
                }
                hooked = true;
            }
            while (true) {
                Path tmp = dir.resolve(TMP_PREFIX + HOST + "-" + PID + "-" + COUNTER.incrementAndGet() + ".part"
                        + suffix);
                try {
                    Files.createFile(tmp); // mode 0666 less the umask, unlike createTempFile's 0600
                    LIVE.add(tmp);
                    return tmp;
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    // left by an earlier process of the same id: take the next number
                }
            }
        }
    }

    /** Gives {@code tmp} the POSIX permissions of {@code target} when that exists (no-op elsewhere). */
    private static void keepPermissions(Path target, Path tmp) {
        try {
            if (Files.isRegularFile(target)) {
                Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // not a POSIX file system, or not the owner: the temporary file keeps the default permissions
        }
    }

    /** The shutdown hook: deletes temporary files and unfinished groups' files, and stops all further renames. */
    private static void terminate() {
        synchronized (LOCK) {
            shuttingDown = true;
            for (Path p : LIVE) {
                deleteQuietly(p);
            }
            for (Group g : OPEN) {
                g.files.forEach(AtomicFiles::deleteQuietly);
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException | RuntimeException e) {
            // best effort while the JVM ends
        }
    }

    /**
     * Deletes, once per folder and process, the temporary files left in {@code dir} by killed processes: those of
     * this host whose process is gone, and those of other hosts (a shared folder) not modified for a day.
     */
    static void sweep(Path dir) {
        if (!SWEPT.add(dir)) {
            return;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, TMP_PREFIX + "*.part*")) {
            for (Path p : s) {
                Matcher m = TMP_NAME.matcher(p.getFileName().toString());
                if (!m.matches() || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                long pid = Long.parseLong(m.group(2));
                boolean stale = m.group(1).equals(HOST)
                        ? pid != PID && ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)
                        : Files.getLastModifiedTime(p).toMillis() < System.currentTimeMillis() - 24 * 3600_000L;
                if (stale) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // best effort: a leftover that cannot be removed does not stop the write
        }
    }

    /** The host name, without a network lookup: the kernel's, else {@code HOSTNAME}, else "localhost". */
    private static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            String h = System.getenv("HOSTNAME");
            return h == null || h.isBlank() ? "localhost" : h;
        }
    }

    /**
     * The problem an I/O exception reports, without the path that file-system exceptions put in their
     * message (e.g. "permission denied", "No space left on device", "Not a directory"); when it wraps
     * another I/O exception, that one's problem.
     */
    public static String reason(IOException e) {
        if (e.getCause() instanceof IOException cause) {
            return reason(cause); // e.g. ImageIO's "I/O error writing PNG file!" around the real problem
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "folder does not exist";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException f) {
            return "a file is where a folder is needed (" + f.getFile() + ")";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Writes a string as UTF-8 atomically. */
    public static void writeString(Path file, String text) throws IOException {
        write(file, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** Deletes a file or folder tree if it exists (nothing for {@code null} or a missing path). */
    public static void deleteTree(Path p) throws IOException {
        if (p == null || !Files.exists(p)) {
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
