package dev.jeras.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws Exception {
        Path target = dir.resolve("model.keras");
        AtomicFiles.write(target, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> AtomicFiles.write(target, tmp -> {
            Files.write(tmp, new byte[] {9, 9});
            throw new IOException("disk full");
        })).hasMessage("disk full");
        assertThat(Files.readAllBytes(target)).containsExactly(1, 2, 3);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(target);
        }
        AtomicFiles.write(target, new byte[] {4});
        assertThat(Files.readAllBytes(target)).containsExactly(4);
    }

    @Test
    void createsMissingDirectories() throws Exception {
        Path target = dir.resolve("a/b/w.npz");
        AtomicFiles.write(target, new byte[] {7});
        assertThat(Files.readAllBytes(target)).containsExactly(7);
    }
}
