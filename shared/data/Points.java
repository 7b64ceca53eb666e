package data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import io.BadInputException;
import io.Output;

/**
 * Labelled 2-D points, in the order scikit-learn returns them: {@code x[i] = {x1, x2}}, {@code y[i]} a class index.
 * CSV form (the fixtures' format): header {@code x1,x2,label}, coordinates in Java's shortest round-trip form.
 */
public record Points(double[][] x, int[] y) {
    public static final String HEADER = "x1,x2,label";

    public Points {
        if (x.length != y.length) throw new IllegalArgumentException(x.length + " points but " + y.length + " labels");
    }

    public int size() {
        return y.length;
    }

    /** Points from the rows of an [n, 2] array (e.g. a latent layer's outputs) with their labels. */
    public static Points of(INDArray xy, int[] labels) {
        double[][] x = new double[labels.length][];
        for (int i = 0; i < labels.length; i++) x[i] = new double[] {xy.getDouble(i, 0), xy.getDouble(i, 1)};
        return new Points(x, labels);
    }

    /** The coordinates as an [n, 2] array, 'f'-ordered because ND4J's gemm is ~10x faster on it. */
    public INDArray features(DataType type) {
        INDArray out = Nd4j.create(type, new long[] {size(), 2}, 'f');
        for (int i = 0; i < size(); i++) {
            out.putScalar(i, 0, x[i][0]);
            out.putScalar(i, 1, x[i][1]);
        }
        return out;
    }

    /** One-hot labels e_y as an [n, classes] 'f'-ordered array. */
    public INDArray oneHot(int classes, DataType type) {
        INDArray out = Nd4j.zeros(type, size(), classes).dup('f');
        for (int i = 0; i < size(); i++) out.putScalar(i, y[i], 1.0);
        return out;
    }

    /** Writes the CSV atomically; returns its path. */
    public Path writeCsv(Path file) {
        var csv = new StringBuilder(HEADER).append('\n');
        for (int i = 0; i < size(); i++) {
            csv.append(x[i][0]).append(',').append(x[i][1]).append(',').append(y[i]).append('\n');
        }
        return Output.writeString(file, csv.toString());
    }

    /**
     * Reads a CSV in the fixtures' format, for a net in float64. Any problem is a one-line {@link BadInputException}
     * naming {@code option}, the file and, for a bad row, its line number.
     */
    public static Points readCsv(Path file, String option) {
        return readCsv(file, option, DataType.DOUBLE);
    }

    /**
     * Reads a CSV in the fixtures' format for a net computing in {@code type}: every coordinate a plain decimal number
     * (as numpy and pandas read them) that {@code type} holds, every label 0 or 1. Any problem is a one-line
     * {@link BadInputException} naming {@code option}, the file and, for a bad row, its line number and the value.
     */
    public static Points readCsv(Path file, String option, DataType type) {
        List<String> lines = text(file, option).lines().toList();
        if (lines.isEmpty() || !lines.get(0).strip().equals(HEADER)) {
            throw new BadInputException(option + ": " + file + " line 1: expected the header '" + HEADER + "'");
        }
        var xs = new ArrayList<double[]>();
        var ys = new ArrayList<Integer>();
        for (int n = 1; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty()) continue;
            String[] cells = line.split(",", -1);
            String where = option + ": " + file + " line " + (n + 1) + ": ";
            if (cells.length != 3) throw new BadInputException(where + "expected 3 columns x1,x2,label, found " + cells.length);
            double x1 = parseCoordinate(cells[0], where, type);
            double x2 = parseCoordinate(cells[1], where, type);
            String labelText = cells[2].strip();
            if (!Decimals.isInteger(labelText) || !labelText.matches("[+-]?0*[01]") || labelText.matches("-0*1")) {
                throw new BadInputException(where + "label must be 0 or 1, found '" + cells[2] + "'");
            }
            int label = labelText.endsWith("1") ? 1 : 0;
            xs.add(new double[] {x1, x2});
            ys.add(label);
        }
        if (xs.isEmpty()) throw new BadInputException(option + ": " + file + " has no data rows");
        return new Points(xs.toArray(new double[0][]), ys.stream().mapToInt(Integer::intValue).toArray());
    }

    /** No data set of these lessons comes near this; a larger file is refused before it is read. */
    public static final long MAX_CSV_BYTES = 1L << 30;

    /**
     * The file as UTF-8 text, checked first: a folder, a missing file, a file too large, NUL bytes or bytes that are not
     * UTF-8 are each a one-line error naming {@code option}. A leading byte-order mark is dropped (editors on Windows
     * write one).
     */
    static String text(Path file, String option) {
        String where = option + ": " + file;
        if (Files.isDirectory(file)) throw new BadInputException(where + " is a folder; expected a CSV file");
        if (!Files.isRegularFile(file)) throw new BadInputException(where + ": no such file");
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_CSV_BYTES) throw new BadInputException(where + " is larger than " + MAX_CSV_BYTES + " bytes");
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BadInputException(where + " cannot be read (" + Output.reason(e) + ")");
        }
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) throw new BadInputException(where + " holds a NUL byte at offset " + i + ": not a text file");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new BadInputException(where + " is not UTF-8 text; expected a CSV file x1,x2,label");
        }
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static double parseCoordinate(String cell, String where, DataType type) {
        var v = Decimals.parse(cell);
        if (v.isEmpty() || !Double.isFinite(v.getAsDouble())) {
            throw new BadInputException(where + "coordinate must be a finite decimal number (e.g. -1.25 or 3e-2), found '" + cell + "'");
        }
        if (type == DataType.FLOAT && !Decimals.fitsFloat(v.getAsDouble())) {
            throw new BadInputException(where + "coordinate " + cell.strip() + " is beyond float32's range (about 3.4e38 either way), "
                    + "the precision the net computes in");
        }
        return v.getAsDouble();
    }

    /** Size, classes and range, e.g. {@code Points[800 points, class 0: 400, class 1: 400, x1 in [-2.01, 2.38], x2 in [-2.15, 2.07]]}. */
    @Override
    public String toString() {
        if (size() == 0) return "Points[no points]";
        int ones = java.util.Arrays.stream(y).sum();
        double[] range = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (double[] p : x) {
            range[0] = Math.min(range[0], p[0]);
            range[1] = Math.max(range[1], p[0]);
            range[2] = Math.min(range[2], p[1]);
            range[3] = Math.max(range[3], p[1]);
        }
        return String.format(java.util.Locale.ROOT, "Points[%d points, class 0: %d, class 1: %d, x1 in [%.3g, %.3g], x2 in [%.3g, %.3g]]",
                size(), size() - ones, ones, range[0], range[1], range[2], range[3]);
    }
}
