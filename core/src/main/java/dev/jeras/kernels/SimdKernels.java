package dev.jeras.kernels;

import java.util.Locale;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import dev.jeras.optimizers.Adam;

/**
 * Kernels on the incubating Vector API, split over a few threads when an operation is large. This
 * class decides what runs where; the loops are in {@link SimdGemm} (GEMM) and {@link SimdOps}
 * (element-wise), the only other core classes that touch {@code jdk.incubator.vector}.
 *
 * <p>The vector width is fixed per JVM: the Vector API compiles to SIMD instructions only when the
 * species is a compile-time constant (a {@code static final}); an instance field leaves every vector
 * boxed and runs some twenty times slower. The width is the CPU's preferred one unless
 * {@code -Djeras.simd.bits=128|256|512} narrows it, which is how tests cover the narrower paths on a
 * wide machine.
 *
 * <p>Threads: a GEMM of at least {@link #PARALLEL_GEMM_MACS} multiply-adds and
 * {@link #PARALLEL_GEMM_DEPTH} deep is split into blocks of C or of depth (see {@link GemmJob}),
 * and an element-wise pass of at least {@link #PARALLEL_ELEMENTS} elements into disjoint ranges,
 * over a shared {@link WorkerPool}; never in a way that changes a result, so training is
 * bit-identical for any thread count. Smaller operations run on the calling thread, and so does
 * nearly everything until C2 has compiled these kernels (see {@link #period}).
 *
 * <p>Not final so that a native GEMM can take over large products ({@link #nativeGemm},
 * {@link #nativeBlock}) and keep the rest, as {@code OpenBlasKernels} in {@code dev.jeras.blas}
 * does; nothing else is meant to be overridden.
 */
public class SimdKernels extends Kernels {

    /** The system property that narrows the vector width, in bits. */
    public static final String BITS_PROPERTY = "jeras.simd.bits";

    /**
     * GEMMs from this many multiply-adds are split between threads (measured by the JMH sgemm
     * benchmark: the quickstart's 10-wide GEMMs at batch 32, 41k multiply-adds, are slower split)...
     */
    public static final long PARALLEL_GEMM_MACS = 1 << 18;
    /**
     * ... and at least this deep: shallower products mostly write C, and writing a C that the caller
     * reads next from another core costs more than it saves (256 x 10 times 10 x 128: 0.58x on two threads).
     */
    public static final int PARALLEL_GEMM_DEPTH = 16;
    /** Element-wise passes from this many elements are split between threads. */
    public static final int PARALLEL_ELEMENTS = 1 << 15;
    /**
     * Compiled GEMM code does well over 10 multiply-adds a nanosecond; uncompiled, under 1. A large
     * GEMM on one thread faster than this tells that C2 has compiled the kernels (so does an Adam
     * step over more than one parameter a nanosecond: compiled, it does about five).
     */
    static final long COMPILED_MACS_PER_NANO = 5;
    /**
     * Batches from this many values are gathered in parts, each by the core that multiplies it next.
     * Measured on two vCPUs, the gather split was slower at batch 32 and 256 of MNIST (0.51x, 0.71x:
     * the rows come from memory either way), so only batches of more than 1,300 images split.
     */
    public static final int PARALLEL_GATHER = 1 << 20;

    /**
     * Before the kernels are judged compiled, one call in this many of each kind that would split once
     * they are is split anyway, so that C2 compiles the split paths with the rest and the moment
     * splitting starts deoptimizes nothing. Without these rehearsals it sent the GEMM, Adam, the
     * gather, Dense and Dropout back to the interpreter, mid-epoch ("made not entrant: uncommon trap").
     * A prime, so that calls of one kind that alternate in a step (the first layer's forward GEMM and
     * its weight gradient) take turns at being rehearsed; with 64, only one of the two ever was.
     */
    static final int REHEARSAL_PERIOD = 61;

    /** What is wrong with {@code -Djeras.simd.bits}, or null; reported by the constructor, never by class loading. */
    private static final String BITS_ERROR;
    static final VectorSpecies<Float> SPECIES;

    static {
        VectorSpecies<Float> species = FloatVector.SPECIES_PREFERRED;
        String error = null;
        try {
            species = configuredSpecies(System.getProperty(BITS_PROPERTY));
        } catch (IllegalArgumentException e) {
            error = e.getMessage();
        }
        SPECIES = species;
        BITS_ERROR = error;
    }

    static final int LANES = SPECIES.length();
    /** Fused multiply-add where HotSpot compiles it to one instruction. */
    static final boolean FMA = HotSpot.USE_FMA;
    /** Vector registers the CPU has: 32 with AVX-512 (a 512-bit preferred width) and on AArch64, else 16. */
    static final int VECTOR_REGISTERS = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 512
            || "aarch64".equals(System.getProperty("os.arch")) ? 32 : 16;

    static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, SPECIES.vectorShape());
    /** LANES bytes, widened to one float vector when a batch of images is gathered (none below 64 bits). */
    static final VectorSpecies<Byte> BYTES = LANES >= 8
            ? VectorSpecies.of(byte.class, VectorShape.forBitSize(LANES * 8)) : null;

    private final String name;
    private final WorkerPool pool;
    /**
     * One call in this many of each kind that is large enough is split: {@link #REHEARSAL_PERIOD}
     * until C2 has compiled these kernels, 1 after. Compiled is judged by the speed of a large GEMM (or
     * Adam step) on one thread, and by the JIT having gone quiet. Until then little is split: the
     * Vector API runs fifty times slower uncompiled, and a second busy thread only takes a core from
     * the JIT compiler that would end it (measured: the quickstart's first epoch 19% slower on two
     * threads than on one). A period rather than a flag, so that no compiled branch was never taken:
     * a test of a "compiled" flag that turns true deoptimized everything it was inlined into. Splitting
     * never changes a result, so this judgement, made once, changes only the speed.
     */
    private volatile int period;
    private final GemmJob gemmJob = new GemmJob();
    private final AdamJob adamJob = new AdamJob();
    private final BiasJob biasJob = new BiasJob();
    private final ReluJob reluJob = new ReluJob();
    private final DropoutJob dropoutJob = new DropoutJob();
    private final GatherJob gatherJob = new GatherJob();

    /** Kernels at this JVM's vector width on {@code -Djeras.threads} threads (default: every available processor). */
    public SimdKernels() {
        this(KernelSelector.configuredThreads());
    }

    /**
     * Kernels at this JVM's vector width that split large operations over {@code threads} threads,
     * once C2 has compiled them (see {@link #period}).
     */
    public SimdKernels(int threads) {
        this(threads, false);
    }

    /** Kernels that split from the first call when {@code splitAtOnce}, compiled or not (for tests of the split paths). */
    SimdKernels(int threads, boolean splitAtOnce) {
        if (BITS_ERROR != null) {
            throw new IllegalArgumentException(BITS_ERROR);
        }
        if (HotSpot.NO_C2 != null) {
            throw new IllegalStateException("SIMD kernels need HotSpot's C2 compiler, but " + HotSpot.NO_C2
                    + "; without it every vector is a heap object. Remove that flag, or use -Djeras.kernels=scalar");
        }
        this.pool = WorkerPool.of(threads);
        this.period = splitAtOnce ? 1 : REHEARSAL_PERIOD;
        this.name = String.format(Locale.ROOT, "simd(%d-bit, %d lanes%s, %d %s)", SPECIES.vectorBitSize(), LANES,
                FMA ? ", fma" : "", threads, threads == 1 ? "thread" : "threads");
    }

    /** The vector width in bits these kernels use. */
    public static int vectorBits() {
        return SPECIES.vectorBitSize();
    }

    static VectorSpecies<Float> configuredSpecies(String bits) {
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        if (bits == null || bits.isBlank()) {
            return preferred;
        }
        int requested;
        try {
            requested = Integer.parseInt(bits.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + BITS_PROPERTY + " must be 128, 256 or 512, received '" + bits + "'");
        }
        if (Integer.bitCount(requested) != 1 || requested < 128 || requested > preferred.vectorBitSize()) {
            throw new IllegalArgumentException("-D" + BITS_PROPERTY + "=" + requested + " is not a vector width jeras runs on this CPU: "
                    + "choose a power of two from 128 to " + preferred.vectorBitSize());
        }
        return VectorSpecies.of(float.class, VectorShape.forBitSize(requested));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int threads() {
        return pool.threads();
    }

    // ---------------------------------------------------------------------------------------------
    // GEMM

    @Override
    protected final void gemm(boolean transA, boolean transB, int m, int n, int k,
                              float alpha, float[] a, int aOff, int lda,
                              float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            SimdGemm.scale(c, cOff, m, n, ldc, beta);
            return;
        }
        boolean nativeCall = nativeGemm(m, n, k);
        long macs = (long) m * n * k;
        boolean large = macs >= PARALLEL_GEMM_MACS && k >= PARALLEL_GEMM_DEPTH;
        // Whole or split, a GEMM runs through the job: the code that splits is then the code that
        // was compiled while nothing was split yet. A native library's bits depend on the shape of
        // the blocks it is given (OpenBLAS picks its kernels by size), so a native GEMM that is split
        // waits for the pool rather than run whole: its result never depends on other threads.
        boolean splitNative = nativeCall && large && pool.threads() > 1;
        if (splitNative) {
            pool.acquire();
        }
        if (splitNative || pool.tryAcquire()) {
            try {
                int parts = gemmJob.plan(large && (nativeCall || splitting(gemmJob)) ? pool.threads() : 1, nativeCall,
                        transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                long start = System.nanoTime();
                runAcquired(gemmJob, parts);
                gemmJob.combine();
                if (large && !nativeCall && parts == 1) {
                    judge(macs, System.nanoTime() - start, COMPILED_MACS_PER_NANO);
                }
            } finally {
                gemmJob.clear();
                pool.release();
            }
            return;
        }
        // Another thread's job holds the pool: this one runs whole, here, to the same result (the
        // SIMD kernels' arithmetic is the same whole or split).
        block(nativeCall, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** Runs a job the caller set up under the pool's lock: in parts, or whole on this thread. */
    private void runAcquired(WorkerPool.Job job, int parts) {
        if (parts > 1) {
            pool.runAcquired(job, parts);
        } else {
            job.run(0, 1);
        }
    }

    /**
     * Concludes that the kernels run compiled once {@code work} units ran faster than {@code perNano}
     * a nanosecond and the JIT compiler has gone quiet (see {@link HotSpot#jitQuiet}).
     */
    private void judge(long work, long nanos, long perNano) {
        if (period != 1 && nanos * perNano < work && HotSpot.jitQuiet()) {
            period = 1;
        }
    }

    /** One block of C over the whole depth, on the calling thread. */
    private void block(boolean nativeCall, boolean transA, boolean transB, int m, int n, int k,
                       float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float beta, float[] c, int cOff, int ldc) {
        if (nativeCall) {
            nativeBlock(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            SimdGemm.multiply(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    /**
     * Whether a native library computes this GEMM (in blocks of C when it is split between threads)
     * instead of the SIMD micro-kernels. False here; {@code OpenBlasKernels} says yes where OpenBLAS
     * is faster.
     */
    protected boolean nativeGemm(int m, int n, int k) {
        return false;
    }

    /**
     * One block of a GEMM that {@link #nativeGemm} gave to a native library (m, n, k at least 1, alpha
     * not 0, arguments checked), on the calling thread.
     */
    protected void nativeBlock(boolean transA, boolean transB, int m, int n, int k,
                               float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                               float beta, float[] c, int cOff, int ldc) {
        throw new UnsupportedOperationException("no native GEMM in " + name());
    }

    /**
     * A GEMM split between threads, in one of three ways, whichever makes the threads share the least
     * data: on a machine whose cores are far apart (two vCPUs on different dies: 450 ns for a cache
     * line's round trip, measured), moving a few hundred kilobytes between cores costs more than the
     * arithmetic.
     * <ul>
     * <li>by rows of C, in tiles of 8: every thread reads all of B;
     * <li>by columns of C, in panels of two vectors: every thread reads all of A;
     * <li>by depth blocks (see {@link SimdGemm#depthBlock}): thread p computes its blocks' partial
     *     products, part 0 into C and the others into scratch, which the caller then adds to C block
     *     by block, in order, with the arithmetic a single thread uses. Every thread reads only its
     *     slice of A and of B, and the threads share only the m x n partials. For the quickstart's
     *     first layer (32 x 784 times 784 x 128) this keeps each half of the weights in one core:
     *     the half its rows of the gradient and its part of Adam update, and its half of each image,
     *     which {@link #gatherRows(byte[], int, int, int[], int, int, float, float[], int)} splits the same way.
     * </ul>
     * Whichever way, every element of C gets exactly the arithmetic of a single thread.
     */
    private final class GemmJob extends Rehearsed implements WorkerPool.Job {
        private static final int ROWS = 0;
        private static final int COLUMNS = 1;
        private static final int DEPTH = 2;

        private boolean transA;
        private boolean transB;
        private int m;
        private int n;
        private int k;
        private float alpha;
        private float beta;
        private float[] a;
        private float[] b;
        private float[] c;
        private int aOff;
        private int lda;
        private int bOff;
        private int ldb;
        private int cOff;
        private int ldc;
        private int kind;
        private boolean nativeCall;
        private int units;
        /** Depth split: the block size, and the partial products of blocks after part 0's, m x n each. */
        private int kb;
        private int firstScratchBlock;
        private float[] partials = new float[0];

        /**
         * Sets up the job and chooses the split into at most {@code threads} parts; returns the
         * number of parts (1: the GEMM whole). A native GEMM is split only into blocks of C (the
         * library keeps its own arithmetic). Runs under the pool's lock.
         */
        int plan(int threads, boolean nativeCall, boolean transA, boolean transB, int m, int n, int k, float alpha,
                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
            int rowUnits = (m + SimdGemm.NARROW_ROWS - 1) / SimdGemm.NARROW_ROWS;
            int colUnits = n <= LANES ? 1 : (n + SimdGemm.NR - 1) / SimdGemm.NR;
            int depthBlock = SimdGemm.depthBlock(k);
            int depthUnits = nativeCall ? 1 : (k + depthBlock - 1) / depthBlock;
            // Elements every thread must read from, or hand to, another core, per split.
            long byRows = rowUnits > 1 ? (long) k * n : Long.MAX_VALUE;
            long byColumns = colUnits > 1 ? (long) m * k : Long.MAX_VALUE;
            long byDepth = depthUnits > 1 ? (long) m * n * (Math.min(threads, depthUnits) - 1) : Long.MAX_VALUE;
            long least = threads < 2 ? Long.MAX_VALUE : Math.min(byRows, Math.min(byColumns, byDepth));
            // On a tie, split C: the depth split costs a pass to add the partials. Unsplit, the job
            // is the whole of C as one block of rows.
            kind = least == byRows || least == Long.MAX_VALUE ? ROWS : least == byColumns ? COLUMNS : DEPTH;
            this.nativeCall = nativeCall;
            units = kind == DEPTH ? depthUnits : kind == ROWS ? rowUnits : colUnits;
            int parts = least == Long.MAX_VALUE ? 1 : Math.min(threads, units);
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.a = a;
            this.aOff = aOff;
            this.lda = lda;
            this.b = b;
            this.bOff = bOff;
            this.ldb = ldb;
            this.beta = beta;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            if (kind == DEPTH) {
                kb = depthBlock;
                firstScratchBlock = units / parts; // part 0's blocks are [0, units / parts)
                int size = Math.multiplyExact((units - firstScratchBlock) * m, n);
                if (partials.length < size) {
                    partials = new float[size];
                }
            }
            return parts;
        }

        void clear() {
            a = null;
            b = null;
            c = null;
        }

        @Override
        public void run(int part, int parts) {
            int first = part * units / parts;
            int last = (part + 1) * units / parts;
            if (kind == ROWS) {
                int i0 = first * SimdGemm.NARROW_ROWS;
                int i1 = Math.min(m, last * SimdGemm.NARROW_ROWS);
                int aRows = aOff + i0 * (transA ? 1 : lda);
                block(nativeCall, transA, transB, i1 - i0, n, k, alpha, a, aRows, lda, b, bOff, ldb, beta, c, cOff + i0 * ldc, ldc);
            } else if (kind == COLUMNS) {
                int j0 = first * SimdGemm.NR;
                int j1 = Math.min(n, last * SimdGemm.NR);
                int bCols = bOff + j0 * (transB ? ldb : 1);
                block(nativeCall, transA, transB, m, j1 - j0, k, alpha, a, aOff, lda, b, bCols, ldb, beta, c, cOff + j0, ldc);
            } else if (part == 0) {
                SimdGemm.multiplyDepth(transA, transB, m, n, kb, 0, Math.min(k, last * kb),
                        alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            } else {
                for (int block = first; block < last; block++) {
                    SimdGemm.multiplyDepth(transA, transB, m, n, kb, block * kb, Math.min(k, (block + 1) * kb),
                            1f, a, aOff, lda, b, bOff, ldb, 0f, partials, (block - firstScratchBlock) * m * n, n);
                }
            }
        }

        /** After a depth split: {@code C += alpha * partial} for each later block, in order, as one thread would. */
        void combine() {
            if (kind != DEPTH) {
                return;
            }
            int bound = SPECIES.loopBound(n);
            for (int block = firstScratchBlock; block < units; block++) {
                int base = (block - firstScratchBlock) * m * n;
                for (int i = 0; i < m; i++) {
                    int ci = cOff + i * ldc;
                    int pi = base + i * n;
                    int j = 0;
                    for (; j < bound; j += LANES) {
                        FloatVector.fromArray(SPECIES, c, ci + j)
                                .add(FloatVector.fromArray(SPECIES, partials, pi + j).mul(alpha))
                                .intoArray(c, ci + j);
                    }
                    for (; j < n; j++) {
                        c[ci + j] = c[ci + j] + partials[pi + j] * alpha;
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Element-wise operations: large ones split into ranges of whole vectors

    /** A pass over [0, n) in parts; each part's range starts at a multiple of {@code align}. */
    private abstract static class RangeJob extends Rehearsed implements WorkerPool.Job {
        int n;
        int align = LANES;

        @Override
        public final void run(int part, int parts) {
            int units = (n + align - 1) / align;
            int from = Math.min(n, part * units / parts * align);
            int to = Math.min(n, (part + 1) * units / parts * align);
            if (from < to) {
                range(from, to);
            }
        }

        abstract void range(int from, int to);
    }

    /** How many parts a pass of {@code job} over n elements (or rows of that many elements) is worth. */
    private int parts(Rehearsed job, long elements, int units) {
        return elements < PARALLEL_ELEMENTS || !splitting(job) ? 1 : Math.min(pool.threads(), units);
    }

    /** Whether a call of {@code job} that is large enough to split does: one in {@link #period}. */
    private boolean splitting(Rehearsed job) {
        return pool.threads() > 1 && job.count() % period == 0;
    }

    /** A kind of job, counting its large calls (see {@link #period}). */
    private abstract static class Rehearsed {
        private int calls; // a plain counter: a lost update only moves a rehearsal, which changes no result

        /** Counts a call; returns the count (after 2^31 calls it goes negative, and x % 1 is still 0). */
        final int count() {
            return ++calls;
        }
    }

    /** Runs {@code job} (set by the caller under {@link WorkerPool#tryAcquire}) over [0, n), in parts or whole. */
    private void runRanges(RangeJob job, int n, int align, int parts) {
        job.n = n;
        job.align = align;
        runAcquired(job, parts);
    }

    @Override
    public void addBias(float[] x, int off, int rows, int cols, float[] bias, boolean relu) {
        int parts = parts(biasJob, (long) rows * cols, rows);
        if (pool.tryAcquire()) { // split or whole: one code path, compiled before splitting starts
            try {
                biasJob.set(x, off, cols, bias, relu);
                runRanges(biasJob, rows, 1, parts);
            } finally {
                biasJob.x = null;
                pool.release();
            }
            return;
        }
        SimdOps.addBiasRows(x, off, 0, rows, cols, bias, relu);
    }

    private final class BiasJob extends RangeJob {
        private float[] x;
        private float[] bias;
        private int off;
        private int cols;
        private boolean relu;

        void set(float[] x, int off, int cols, float[] bias, boolean relu) {
            this.x = x;
            this.off = off;
            this.cols = cols;
            this.bias = bias;
            this.relu = relu;
        }

        @Override
        void range(int from, int to) {
            SimdOps.addBiasRows(x, off, from, to, cols, bias, relu);
        }
    }

    @Override
    public void reluBackward(float[] dy, int dyOff, float[] y, int yOff, int n) {
        int parts = parts(reluJob, n, n / LANES);
        if (pool.tryAcquire()) { // split or whole: one code path, compiled before splitting starts
            try {
                reluJob.set(dy, dyOff, y, yOff);
                runRanges(reluJob, n, LANES, parts);
            } finally {
                reluJob.set(null, 0, null, 0);
                pool.release();
            }
            return;
        }
        SimdOps.reluBackwardRange(dy, dyOff, y, yOff, 0, n);
    }

    private final class ReluJob extends RangeJob {
        private float[] dy;
        private float[] y;
        private int dyOff;
        private int yOff;

        void set(float[] dy, int dyOff, float[] y, int yOff) {
            this.dy = dy;
            this.dyOff = dyOff;
            this.y = y;
            this.yOff = yOff;
        }

        @Override
        void range(int from, int to) {
            SimdOps.reluBackwardRange(dy, dyOff, y, yOff, from, to);
        }
    }

    @Override
    public void columnSums(float[] x, int off, int rows, int cols, float[] out) {
        SimdOps.columnSums(x, off, rows, cols, out);
    }

    @Override
    public void multiply(float[] x, int xOff, float[] y, int yOff, float[] out, int outOff, int n) {
        SimdOps.multiply(x, xOff, y, yOff, out, outOff, n);
    }

    @Override
    public void dropout(float[] x, int xOff, float[] out, int outOff, float[] mask, int n, float rate, long seed) {
        int parts = parts(dropoutJob, n, n / LANES);
        if (pool.tryAcquire()) { // split or whole: one code path, compiled before splitting starts
            try {
                dropoutJob.set(x, xOff, out, outOff, mask, rate, seed);
                runRanges(dropoutJob, n, LANES, parts);
            } finally {
                dropoutJob.set(null, 0, null, 0, null, 0f, 0L);
                pool.release();
            }
            return;
        }
        SimdOps.dropoutRange(x, xOff, out, outOff, mask, 0, n, rate, seed);
    }

    private final class DropoutJob extends RangeJob {
        private float[] x;
        private float[] out;
        private float[] mask;
        private int xOff;
        private int outOff;
        private float rate;
        private long seed;

        void set(float[] x, int xOff, float[] out, int outOff, float[] mask, float rate, long seed) {
            this.x = x;
            this.xOff = xOff;
            this.out = out;
            this.outOff = outOff;
            this.mask = mask;
            this.rate = rate;
            this.seed = seed;
        }

        @Override
        void range(int from, int to) {
            SimdOps.dropoutRange(x, xOff, out, outOff, mask, from, to, rate, seed);
        }
    }

    @Override
    public void softmax(float[] x, int off, int rows, int cols) {
        SimdOps.softmax(x, off, rows, cols);
    }

    @Override
    public double softmaxCrossEntropy(float[] logits, int off, int rows, int cols, int[] labels, int labelOff,
                                      float[] grad, int gradOff, float gradScale) {
        return SimdOps.softmaxCrossEntropy(logits, off, rows, cols, labels, labelOff, grad, gradOff, gradScale);
    }

    @Override
    public void adam(float[] w, float[] g, float[] m, float[] v, int n,
                     float lr, float beta1, float beta2, float epsilon) {
        int parts = parts(adamJob, n, n / LANES);
        if (pool.tryAcquire()) { // split or whole: one code path, compiled before splitting starts
            try {
                adamJob.set(w, g, m, v, lr, beta1, beta2, epsilon);
                long start = System.nanoTime();
                // Ranges of whole cache lines, so that no line of w, m or v is written by two cores.
                runRanges(adamJob, n, Math.max(LANES, 16), parts);
                if (n >= PARALLEL_ELEMENTS && parts == 1) {
                    judge(n, System.nanoTime() - start, 1);
                }
            } finally {
                adamJob.set(null, null, null, null, 0f, 0f, 0f, 0f);
                pool.release();
            }
            return;
        }
        SimdOps.adamRange(w, g, m, v, 0, n, lr, beta1, beta2, epsilon);
    }

    // The other optimizers' updates run whole on the calling thread: only Adam trains the quickstart.

    @Override
    public void adamAmsgrad(float[] w, float[] g, float[] m, float[] v, float[] vHat, int n,
                            float lr, float beta1, float beta2, float epsilon) {
        SimdOps.adamAmsgrad(w, g, m, v, vHat, n, lr, beta1, beta2, epsilon);
    }

    @Override
    public void sgdMomentum(float[] w, float[] g, float[] m, int n, float lr, float momentum, boolean nesterov) {
        SimdOps.sgdMomentum(w, g, m, n, lr, momentum, nesterov);
    }

    @Override
    public void rmsprop(float[] w, float[] g, float[] v, float[] mom, float[] average, int n,
                        float lr, float rho, float momentum, float epsilon) {
        SimdOps.rmsprop(w, g, v, mom, average, n, lr, rho, momentum, epsilon);
    }

    @Override
    public void adagrad(float[] w, float[] g, float[] acc, int n, float lr, float epsilon) {
        SimdOps.adagrad(w, g, acc, n, lr, epsilon);
    }

    private final class AdamJob extends RangeJob {
        private float[] w;
        private float[] g;
        private float[] m;
        private float[] v;
        private float lr;
        private float beta1;
        private float beta2;
        private float epsilon;

        void set(float[] w, float[] g, float[] m, float[] v, float lr, float beta1, float beta2, float epsilon) {
            this.w = w;
            this.g = g;
            this.m = m;
            this.v = v;
            this.lr = lr;
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.epsilon = epsilon;
        }

        @Override
        void range(int from, int to) {
            SimdOps.adamRange(w, g, m, v, from, to, lr, beta1, beta2, epsilon);
        }
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOff, float[] y, int yOff) {
        SimdOps.axpy(n, alpha, x, xOff, y, yOff);
    }

    /**
     * Batches are gathered in parts when large enough, split like the GEMM that reads them: by the
     * depth blocks of a row (so that, for the quickstart, each core converts the half of each image
     * it then multiplies), or by rows when a row is one block.
     */
    private int gatherParts(int rows, int rowSize) {
        int blocks = rowBlocks(rowSize);
        return (long) rows * rowSize < PARALLEL_GATHER || !splitting(gatherJob) ? 1 : Math.min(pool.threads(), blocks > 1 ? blocks : rows);
    }

    private static int rowBlocks(int rowSize) {
        return (rowSize + SimdGemm.depthBlock(rowSize) - 1) / SimdGemm.depthBlock(rowSize);
    }

    @Override
    public void gatherRows(float[] src, int srcOff, int rowSize, int[] order, int from, int rows, float[] dst, int dstOff) {
        gather(null, src, srcOff, rowSize, order, from, rows, 1f, dst, dstOff);
    }

    @Override
    public void gatherRows(byte[] src, int srcOff, int rowSize, int[] order, int from, int rows, float divisor,
                           float[] dst, int dstOff) {
        gather(src, null, srcOff, rowSize, order, from, rows, divisor, dst, dstOff);
    }

    private void gather(byte[] bytes, float[] floats, int srcOff, int rowSize, int[] order, int from, int rows, float divisor,
                        float[] dst, int dstOff) {
        int parts = gatherParts(rows, rowSize);
        if (pool.tryAcquire()) { // split or whole: one code path, compiled before splitting starts
            try {
                gatherJob.set(bytes, floats, srcOff, rowSize, order, from, rows, divisor, dst, dstOff);
                runAcquired(gatherJob, parts);
            } finally {
                gatherJob.set(null, null, 0, 0, null, 0, 0, 1f, null, 0);
                pool.release();
            }
            return;
        }
        SimdOps.gatherBlock(bytes, floats, srcOff, rowSize, order, from, 0, rows, 0, rowSize, divisor, dst, dstOff);
    }

    private final class GatherJob extends Rehearsed implements WorkerPool.Job {
        private byte[] bytes;
        private float[] floats;
        private int[] order;
        private float[] dst;
        private int srcOff;
        private int rowSize;
        private int from;
        private int rows;
        private float divisor;
        private int dstOff;

        void set(byte[] bytes, float[] floats, int srcOff, int rowSize, int[] order, int from, int rows, float divisor,
                 float[] dst, int dstOff) {
            this.bytes = bytes;
            this.floats = floats;
            this.srcOff = srcOff;
            this.rowSize = rowSize;
            this.order = order;
            this.from = from;
            this.rows = rows;
            this.divisor = divisor;
            this.dst = dst;
            this.dstOff = dstOff;
        }

        @Override
        public void run(int part, int parts) {
            int blocks = rowBlocks(rowSize);
            if (blocks > 1) {
                int width = SimdGemm.depthBlock(rowSize);
                int c0 = part * blocks / parts * width;
                int c1 = Math.min(rowSize, (part + 1) * blocks / parts * width);
                SimdOps.gatherBlock(bytes, floats, srcOff, rowSize, order, from, 0, rows, c0, c1, divisor, dst, dstOff);
            } else {
                SimdOps.gatherBlock(bytes, floats, srcOff, rowSize, order, from, part * rows / parts, (part + 1) * rows / parts, 0, rowSize,
                        divisor, dst, dstOff);
            }
        }
    }

}
