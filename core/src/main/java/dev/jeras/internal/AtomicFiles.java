package dev.jeras.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a file atomically: into a temporary file beside it, then one rename, so a reader sees the
 * old file or the whole new one, never a part, and a failed write leaves the old file as it was.
 */
public final class AtomicFiles {

    /** What goes into the temporary file. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Path temporary) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Writes {@code data} to {@code target} atomically. */
    public static void write(Path target, byte[] data) throws IOException {
        write(target, tmp -> Files.write(tmp, data));
    }

    /**
     * Has {@code content} write a temporary file in {@code target}'s directory (created if missing),
     * then renames it to {@code target}; the temporary file is gone afterwards, whatever happened.
     */
    public static void write(Path target, Content content) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".part");
        } catch (AccessDeniedException e) {
            throw new AccessDeniedException(dir.toString(), null, "cannot write " + target + ": the directory " + dir
                    + " is not writable; choose another place or fix its permissions");
        }
        try {
            content.writeTo(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
