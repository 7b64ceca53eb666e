package speed;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.IntPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The element-wise steps of training a float net besides the activations' ({@link ActivationLoops}), as Java loops over
 * the memory of ND4J arrays: the L2 norm, the distance a step moved the weights, and the shares of units that pass
 * (almost) no gradient back; and the block machinery both use. ND4J's own ops for these run one scalar loop each plus
 * 10-20 us of call overhead; measured on [800, 264] floats, one thread: a double-accumulated norm of 264 x 264 floats
 * 120 us (a cast to double, then Norm2) against 33 us here.
 * <p>
 * Every loop works through its arrays in blocks of {@link #BLOCK} elements copied into small heap arrays and back:
 * the JIT vectorises loops over heap arrays (not over direct buffers), and a block stays in the L1 cache.
 */
public final class Elementwise {
    public static final int BLOCK = 2048;

    private Elementwise() {}

    /** The L2 norm of all elements, the squares summed in double (a float sum of 70k squares is off by ~1e-5). */
    public static double norm(INDArray a) {
        FloatBuffer memory = floats(a);
        Scratch s = Scratch.get();
        double[] sums = new double[4];
        forEachBlock(a.length(), (start, n) -> {
            float[] x = s.a;
            memory.get(start, x, 0, n);
            // four partial sums: one running sum is a chain of dependent adds, 4 cycles each
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int i = 0;
            for (; i + 4 <= n; i += 4) {
                s0 += (double) x[i] * x[i];
                s1 += (double) x[i + 1] * x[i + 1];
                s2 += (double) x[i + 2] * x[i + 2];
                s3 += (double) x[i + 3] * x[i + 3];
            }
            for (; i < n; i++) s0 += (double) x[i] * x[i];
            sums[0] += s0;
            sums[1] += s1;
            sums[2] += s2;
            sums[3] += s3;
        });
        return Math.sqrt((sums[0] + sums[1]) + (sums[2] + sums[3]));
    }

    /** Copies the elements of a float matrix (in memory order) into {@code into}, e.g. a layer's weights before a step. */
    public static void copy(INDArray a, float[] into) {
        floats(a).get(0, into, 0, Math.toIntExact(a.length()));
    }

    /**
     * {@code ||a - before||}: the difference taken in float, element by element (what a float tensor subtraction gives,
     * {@code (w_after - w_before).norm()} in PyTorch), its squares summed in double.
     */
    public static double distance(INDArray a, float[] before) {
        FloatBuffer memory = floats(a);
        Scratch s = Scratch.get();
        double[] sum = new double[1];
        forEachBlock(a.length(), (start, n) -> {
            memory.get(start, s.a, 0, n);
            double block = 0;
            for (int i = 0; i < n; i++) {
                float d = s.a[i] - before[start + i];
                block += (double) d * d;
            }
            sum[0] += block;
        });
        return Math.sqrt(sum[0]);
    }

    /** The share of columns of an 'f'-ordered [n, units] float matrix that are 0 in every row: ReLU units that are dead. */
    public static double zeroColumnsFraction(INDArray h) {
        return columnsWhereAll(h, v -> v == 0f);
    }

    /**
     * The share of columns of an 'f'-ordered [n, units] float matrix of derivatives whose every |element| is below
     * {@code below}: units that pass (almost) no gradient back for any row (NaN is not below anything).
     */
    public static double columnsBelowFraction(INDArray d, float below) {
        return columnsWhereAll(d, v -> Math.abs(v) < below);
    }

    /** The share of elements of a float array with {@code h (1 - h) < 0.01} (in float): saturated sigmoid outputs. */
    public static double saturatedFraction(INDArray h) {
        return countBlockwise(h, (x, n) -> {
            int count = 0;
            for (int i = 0; i < n; i++) count += x[i] * (1f - x[i]) < 0.01f ? 1 : 0;
            return count;
        });
    }

    /** The share of elements of a float array of derivatives with |element| below {@code below}. */
    public static double belowFraction(INDArray d, float below) {
        return countBlockwise(d, (x, n) -> {
            int count = 0;
            for (int i = 0; i < n; i++) count += Math.abs(x[i]) < below ? 1 : 0;
            return count;
        });
    }

    private interface FloatTest {
        boolean holds(float v);
    }

    /** The share of columns whose every element passes {@code test}; a column stops at its first that does not. */
    private static double columnsWhereAll(INDArray h, FloatTest test) {
        FloatBuffer memory = floats(h);
        int rows = (int) h.rows(), columns = (int) h.columns(), count = 0;
        if (h.ordering() != 'f') throw new IllegalArgumentException("expected an 'f'-ordered matrix");
        for (int c = 0; c < columns; c++) {
            boolean all = true;
            for (int r = 0; r < rows && all; r++) all = test.holds(memory.get(c * rows + r));   // a live unit stops at once
            if (all) count++;
        }
        return (double) count / columns;
    }

    /** A count over one block x[0..n). */
    private interface CountLoop {
        int run(float[] x, int n);
    }

    /** The share of the elements that the blocks' counts add up to. */
    private static double countBlockwise(INDArray a, CountLoop loop) {
        FloatBuffer memory = floats(a);
        Scratch s = Scratch.get();
        long[] count = new long[1];
        forEachBlock(a.length(), (start, n) -> {
            memory.get(start, s.a, 0, n);
            count[0] += loop.run(s.a, n);
        });
        return (double) count[0] / a.length();
    }

    interface Block {
        void run(int start, int n);
    }

    static void forEachBlock(long length, Block block) {
        for (long start = 0; start < length; start += BLOCK) block.run((int) start, (int) Math.min(BLOCK, length - start));
    }

    /**
     * The blocks of an array that {@link #runs} accepts, as positions in its memory: a dense one's as {@link
     * #forEachBlock(long, Block)} gives them; for rows of a taller 'f'-ordered matrix, each column's run of rows.
     */
    static void forEachBlock(INDArray a, Block block) {
        if (isDense(a)) {
            forEachBlock(a.length(), block);
            return;
        }
        long rows = a.rows(), columnStride = a.stride(1);
        for (long c = 0; c < a.columns(); c++) {
            for (long start = 0; start < rows; start += BLOCK) block.run((int) (c * columnStride + start), (int) Math.min(BLOCK, rows - start));
        }
    }

    /** A float array's memory; its elements must fill it without gaps (any order: the loops are element-wise). */
    static FloatBuffer floats(INDArray a) {
        return a.isEmpty() ? FloatBuffer.allocate(0) : Blas.floats(requireDense(a)).asBuffer();
    }

    /**
     * The memory from a float array's first element to its last, for loops that go through it by {@link
     * #forEachBlock(INDArray, Block)}: a dense array, or some rows of a taller 'f'-ordered matrix (its columns' runs of
     * rows with the other rows between them), as {@code speed.TwoCores} gives each core half of a batch.
     */
    static FloatBuffer runs(INDArray a) {
        if (isDense(a)) return floats(a);
        if (a.dataType() != DataType.FLOAT || a.rank() != 2 || a.ordering() != 'f' || a.stride(0) != 1 || a.stride(1) < a.rows()) {
            throw new IllegalArgumentException("expected a float array, dense or rows of an 'f'-ordered matrix, got shape "
                    + Arrays.toString(a.shape()) + " strides " + Arrays.toString(a.stride()) + " '" + a.ordering() + "'");
        }
        return Blas.floats(a).asBuffer();
    }

    /** {@link #runs}, seen as the floats' bits. */
    static IntBuffer runBits(INDArray a) {
        runs(a);   // (checks the layout)
        return a.isEmpty() ? IntBuffer.allocate(0) : new IntPointer(Blas.floats(a)).asBuffer();
    }

    private static INDArray requireDense(INDArray a) {
        if (a.dataType() != DataType.FLOAT) throw new IllegalArgumentException("expected a float array, got " + a.dataType());
        if (!isDense(a)) {
            throw new IllegalArgumentException("expected a dense vector or matrix, got shape " + Arrays.toString(a.shape())
                    + " strides " + Arrays.toString(a.stride()));
        }
        return a;
    }

    /** Whether the elements fill the memory from the first to the last without gaps. */
    private static boolean isDense(INDArray a) {
        long[] shape = a.shape(), stride = a.stride();
        return switch (a.rank()) {
            case 1 -> stride[0] == 1 || shape[0] <= 1;
            case 2 -> a.ordering() == 'f' ? (stride[0] == 1 || shape[0] <= 1) && (stride[1] == shape[0] || shape[1] <= 1)
                                          : (stride[1] == 1 || shape[1] <= 1) && (stride[0] == shape[1] || shape[0] <= 1);
            default -> false;
        };
    }

    /** The same memory as {@link #floats}, seen as the floats' bits. */
    static IntBuffer ints(INDArray a) {
        return a.isEmpty() ? IntBuffer.allocate(0)
                : new IntPointer(Blas.floats(requireDense(a))).asBuffer();
    }

    /** Two arrays of one element-wise op must lay out their elements alike. */
    static INDArray sameLayout(INDArray a, INDArray like) {
        if (!Arrays.equals(a.shape(), like.shape()) || (a.rank() == 2 && a.ordering() != like.ordering())
                || isDense(a) != isDense(like) || (!isDense(a) && a.stride(1) != like.stride(1))) {
            throw new IllegalArgumentException("expected " + Arrays.toString(like.shape()) + " '" + like.ordering() + "' strides "
                    + Arrays.toString(like.stride()) + ", got " + Arrays.toString(a.shape()) + " '" + a.ordering() + "' strides "
                    + Arrays.toString(a.stride()));
        }
        return a;
    }

    /** Per-thread block buffers (the deep script trains two nets at a time). */
    static final class Scratch {
        private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);
        final float[] a = new float[BLOCK], b = new float[BLOCK], c = new float[BLOCK], d = new float[BLOCK], e = new float[BLOCK];
        final int[] bits = new int[BLOCK], moreBits = new int[BLOCK];
        /** One direct buffer seen as floats and as ints: the vectorisable way to reinterpret bits. */
        final FloatBuffer castFloats;
        final IntBuffer castInts;

        Scratch() {
            ByteBuffer cast = ByteBuffer.allocateDirect(4 * BLOCK).order(ByteOrder.nativeOrder());
            castFloats = cast.asFloatBuffer();
            castInts = cast.asIntBuffer();
        }

        static Scratch get() {
            return PER_THREAD.get();
        }
    }
}
