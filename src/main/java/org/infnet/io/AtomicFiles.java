package org.infnet.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.UnaryOperator;

/**
 * Writes files so that readers never see a partial file: data goes to a hidden temporary file in the
 * target's folder, which is renamed over the target only after a successful write. On any failure
 * (including a full disk) the temporary file is deleted, the target is left untouched, and the
 * {@link IOException} names the target and the problem (e.g. {@code cannot write out/a.csv: No space
 * left on device}).
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

    private AtomicFiles() {}

    /** Code that writes a whole file at a given (temporary) path. */
    @FunctionalInterface
    public interface PathWriter {
        /** Writes the content to {@code tmp}. */
        void write(Path tmp) throws IOException;
    }

    /** Writes {@code file} atomically through {@code writer}. */
    public static void write(Path file, Writer writer) throws IOException {
        writeVia(file, "", tmp -> {
            try (OutputStream out = new BufferedOutputStream(STREAM_FILTER.get().apply(Files.newOutputStream(tmp)), 1 << 16)) {
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
            tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".part" + tmpSuffix);
        } catch (IOException e) {
            throw new IOException("cannot write " + file + ": " + reason(e), e);
        }
        try {
            writer.write(tmp);
            if (Files.size(tmp) == 0) {
                throw new IOException("nothing was written to " + file);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            String m = e.getMessage();
            if (m != null && m.contains(abs.getFileName().toString()) && !m.contains(tmp.getFileName().toString())) {
                throw e; // already names the file
            }
            throw new IOException("cannot write " + file + ": " + reason(e), e);
        } finally {
            Files.deleteIfExists(tmp);
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
