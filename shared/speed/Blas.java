package speed;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasColMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import java.util.Arrays;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code C = op(A) op(B)} by OpenBLAS's gemm, called directly on the memory of 'f'-ordered ND4J matrices. ND4J's own
 * {@code Nd4j.gemm} ends in the same OpenBLAS call, but first builds and validates a custom op: 15-30 us per call,
 * measured, against 0.3 us for the whole product of an [800, 3] and a [3, 2] matrix. An epoch makes 8-16 of them.
 * ND4J loads this same library (JavaCPP's OpenBLAS), so its thread setting ({@link Nd4jSetup#threads}) applies.
 */
public final class Blas {
    private Blas() {}

    /** {@code c = op(a) op(b)}, op transposing when asked; all three column-major ('f') with unit row stride. */
    public static void gemm(INDArray a, boolean transposeA, INDArray b, boolean transposeB, INDArray c) {
        int m = (int) c.rows(), n = (int) c.columns();
        int k = (int) (transposeA ? a.rows() : a.columns());
        if ((transposeA ? a.columns() : a.rows()) != m || (transposeB ? b.columns() : b.rows()) != k
                || (transposeB ? b.rows() : b.columns()) != n || a.dataType() != c.dataType() || b.dataType() != c.dataType()) {
            throw new IllegalArgumentException("gemm shapes do not fit: " + Arrays.toString(a.shape()) + (transposeA ? "^T" : "")
                    + " x " + Arrays.toString(b.shape()) + (transposeB ? "^T" : "") + " -> " + Arrays.toString(c.shape()));
        }
        int opA = transposeA ? CblasTrans : CblasNoTrans, opB = transposeB ? CblasTrans : CblasNoTrans;
        if (c.dataType() == DataType.FLOAT) {
            cblas_sgemm(CblasColMajor, opA, opB, m, n, k, 1f, floats(a), ld(a), floats(b), ld(b), 0f, floats(c), ld(c));
        } else {
            cblas_dgemm(CblasColMajor, opA, opB, m, n, k, 1.0, doubles(a), ld(a), doubles(b), ld(b), 0.0, doubles(c), ld(c));
        }
    }

    /**
     * The column stride, which BLAS calls the leading dimension; rows must be adjacent in memory. A matrix of one column
     * (a net of width 1) has no column stride to speak of: ND4J may give it 1, but BLAS wants at least its rows.
     */
    private static int ld(INDArray a) {
        if (a.rank() != 2 || a.stride(0) != 1 && a.rows() > 1) {
            throw new IllegalArgumentException("gemm needs column-major matrices, got shape " + Arrays.toString(a.shape())
                    + " strides " + Arrays.toString(a.stride()));
        }
        return (int) Math.max(1, a.columns() == 1 ? a.rows() : a.stride(1));
    }

    // A view's data buffer already starts at the view's first element (its address includes the offset), so only an
    // offset beyond the buffer's own is added; for ND4J's views that difference is 0. (Its asNio() does not: it covers
    // the whole underlying buffer, hence these pointers for Elementwise too.)

    /** The memory of a float array from its first element to its last ({@link #span}). */
    static FloatPointer floats(INDArray a) {
        long first = a.offset() - a.data().offset();
        return new FloatPointer(a.data().addressPointer()).position(first).limit(first + span(a));
    }

    /** The memory of a double array from its first element to its last ({@link #span}). */
    static DoublePointer doubles(INDArray a) {
        long first = a.offset() - a.data().offset();
        return new DoublePointer(a.data().addressPointer()).position(first).limit(first + span(a));
    }

    /**
     * Elements from the first to the last: {@code a.length()}, or more for some rows of a taller 'f'-ordered matrix (the
     * other rows lie between its columns), which gemm reads by its leading dimension.
     */
    private static long span(INDArray a) {
        if (a.isEmpty()) return 0;
        long last = 0;
        for (int d = 0; d < a.rank(); d++) last += (a.size(d) - 1) * Math.abs(a.stride(d));
        return Math.max(a.length(), last + 1);
    }
}
