package data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import io.BadInputException;
import io.Output;

/**
 * numpy {@code .npz} archives of named arrays, as {@code np.savez(path, **state_dict)} writes them. Reading is strict
 * and bounded: the zip's directory and every {@code .npy} header are checked before a byte of data is used, so a cut,
 * corrupt or foreign file is a one-line error, never a hang or a stack trace (ND4J's own reader spins forever on a
 * truncated archive). Every numeric dtype numpy writes is read (integers too: PyTorch's load_state_dict copies them in).
 */
public final class Npz {
    /** No state dict of a net these scripts allow comes near this; a larger archive is refused before it is read. */
    public static final long MAX_BYTES = 1L << 31;

    private Npz() {}

    /** Reads every array of an archive, in the archive's order; any problem is a one-line error naming {@code option}. */
    public static Map<String, INDArray> read(Path file, String option) {
        String where = option + ": " + file;
        if (Files.isDirectory(file)) throw new BadInputException(where + " is a folder; expected a .npz file");
        if (!Files.isRegularFile(file)) throw new BadInputException(where + ": no such file");
        try {
            if (Files.size(file) > MAX_BYTES) throw new BadInputException(where + " is larger than " + MAX_BYTES + " bytes; not a state dict of these nets");
        } catch (IOException e) {
            throw new BadInputException(where + " cannot be read (" + Output.reason(e) + ")");
        }
        var arrays = new LinkedHashMap<String, INDArray>();
        try (var zip = new ZipFile(file.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                String name = entry.getName();
                if (entry.isDirectory()) continue;
                if (!name.endsWith(".npy")) throw new BadInputException(where + ": entry '" + name + "' is not a .npy array");
                String key = name.substring(0, name.length() - ".npy".length());
                if (entry.getSize() > MAX_BYTES) throw new BadInputException(where + ": array '" + key + "' is too large");
                try (InputStream in = zip.getInputStream(entry)) {
                    arrays.put(key, npy(in.readNBytes((int) Math.min(entry.getSize() < 0 ? MAX_BYTES : entry.getSize(), MAX_BYTES)),
                            where + ": array '" + key + "'"));
                }
            }
        } catch (ZipException e) {
            throw new BadInputException(where + " is not a complete .npz archive (a zip file of .npy arrays): " + e.getMessage());
        } catch (IOException e) {
            throw new BadInputException(where + " cannot be read (" + Output.reason(e) + ")");
        }
        if (arrays.isEmpty()) throw new BadInputException(where + " holds no arrays");
        return arrays;
    }

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** One {@code .npy} array (format versions 1 to 3), its data checked against its header before it is used. */
    static INDArray npy(byte[] bytes, String what) {
        var in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10 || (bytes[0] & 0xff) != 0x93 || !new String(bytes, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY")) {
            throw new BadInputException(what + " is not a .npy array (no NUMPY magic)");
        }
        int major = bytes[6];
        int headerLength = major == 1 ? Short.toUnsignedInt(in.getShort(8)) : major <= 3 && bytes.length >= 12 ? in.getInt(8) : -1;
        int start = (major == 1 ? 10 : 12) + headerLength;
        if (headerLength < 0 || start > bytes.length) throw new BadInputException(what + " has a cut or unknown .npy header");
        String header = new String(bytes, major == 1 ? 10 : 12, headerLength, StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header), order = ORDER.matcher(header), shape = SHAPE.matcher(header);
        if (!descr.find() || !order.find() || !shape.find()) throw new BadInputException(what + " has an unreadable .npy header: " + header.strip());
        List<Long> dims = new ArrayList<>();
        for (String d : shape.group(1).split(",")) if (!d.isBlank()) dims.add(Long.parseLong(d.strip()));
        long count = 1;
        for (long d : dims) count = Math.multiplyExact(count, d);
        char kind = descr.group(2).charAt(0);
        int size = Integer.parseInt(descr.group(3));
        if (!(kind == 'f' && (size == 4 || size == 8) || (kind == 'i' || kind == 'u') && size <= 8 || kind == 'b' && size == 1)) {
            throw new BadInputException(what + " has dtype " + descr.group(1) + kind + size + "; expected floating-point or integer numbers");
        }
        if ((long) bytes.length - start != count * size) {
            throw new BadInputException(what + " is cut: its header promises " + count * size + " bytes of data, the file holds "
                    + (bytes.length - start));
        }
        in.position(start).order(descr.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        long[] shapeOf = dims.stream().mapToLong(Long::longValue).toArray();
        char layout = order.group(1).equals("True") ? 'f' : 'c';
        int n = Math.toIntExact(count);
        if (kind == 'f') {   // as stored: float32 or float64
            double[] values = new double[n];
            for (int i = 0; i < n; i++) values[i] = size == 4 ? in.getFloat() : in.getDouble();
            DataType type = size == 4 ? DataType.FLOAT : DataType.DOUBLE;
            return shapeOf.length == 0 ? Nd4j.scalar(values[0]).castTo(type) : Nd4j.create(values, shapeOf, layout).castTo(type);
        }
        // integers (and booleans) exactly, as int64: a uint64 beyond int64 is no weight any float holds exactly
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = switch (size) {
                case 1 -> kind == 'i' ? in.get() : Byte.toUnsignedLong(in.get());
                case 2 -> kind == 'i' ? in.getShort() : Short.toUnsignedLong(in.getShort());
                case 4 -> kind == 'i' ? in.getInt() : Integer.toUnsignedLong(in.getInt());
                default -> in.getLong();
            };
            if (kind == 'u' && size == 8 && values[i] < 0) {
                throw new BadInputException(what + " holds " + Long.toUnsignedString(values[i]) + " at " + index(i, shapeOf, layout)
                        + ", beyond what a float32 or float64 weight holds exactly");
            }
        }
        return shapeOf.length == 0 ? Nd4j.scalar(values[0]) : Nd4j.createFromArray(values).reshape(layout, shapeOf);
    }

    /** The place of flat element {@code i} in an array of {@code shape} laid out in {@code order}, e.g. {@code [0, 1]}. */
    static String index(long i, long[] shape, char order) {
        long[] at = new long[shape.length];
        for (int d = 0; d < shape.length; d++) {
            int axis = order == 'f' ? d : shape.length - 1 - d;
            at[axis] = i % shape[axis];
            i /= shape[axis];
        }
        return Arrays.toString(at);
    }

    /**
     * Why value {@code i} of {@code a} cannot be a weight of a net in {@code type}, null if it can: NaN or infinite, beyond
     * float32's range, or an integer the type does not hold exactly (PyTorch would round it silently).
     */
    static String unrepresentable(INDArray a, long i, DataType type) {
        if (!a.dataType().isFPType()) {
            long v = a.getLong(i);
            boolean exact = type == DataType.FLOAT ? (float) v < 0x1p63f && (long) (float) v == v : (double) v < 0x1p63 && (long) (double) v == v;
            return exact ? null : "the integer " + v + ", which a " + name(type) + " weight does not hold exactly";
        }
        double v = a.getDouble(i);
        if (!Double.isFinite(v)) return v + "; expected finite weights";
        if (type == DataType.FLOAT && !Decimals.fitsFloat(v)) return v + ", beyond float32's range (about 3.4e38 either way), the precision the net computes in";
        return null;
    }

    static String name(DataType type) {
        return type == DataType.FLOAT ? "float32" : type == DataType.DOUBLE ? "float64" : type.toString();
    }

    /**
     * A state dict as PyTorch's strict {@code load_state_dict} takes it: exactly the keys of {@code shapes}, each with
     * its shape, finite, no other key. Returns the arrays in {@code shapes}' order, converted to {@code type}.
     */
    public static Map<String, INDArray> readStateDict(Path file, String option, Map<String, long[]> shapes, DataType type) {
        return stateDict(read(file, option), option, shapes, type);
    }

    /** The same checks on arrays already read (see {@link #readStateDict}). */
    public static Map<String, INDArray> stateDict(Map<String, INDArray> arrays, String option, Map<String, long[]> shapes, DataType type) {
        var state = new LinkedHashMap<String, INDArray>();
        for (var e : shapes.entrySet()) {
            INDArray a = require(arrays, e.getKey(), e.getValue(), option).dup('c');
            for (long i = 0; i < a.length(); i++) {
                String why = unrepresentable(a, i, type);
                if (why != null) throw new BadInputException(option + ": key '" + e.getKey() + "' holds at " + index(i, a.shape(), 'c') + " " + why);
            }
            state.put(e.getKey(), a.castTo(type));
        }
        for (String key : arrays.keySet()) {
            if (!shapes.containsKey(key)) {
                throw new BadInputException(option + ": unexpected key '" + key + "' (as PyTorch's strict load_state_dict, a net of "
                        + "this shape takes exactly " + String.join(", ", shapes.keySet()) + ")");
            }
        }
        return state;
    }

    /**
     * The array stored under {@code key} with exactly {@code shape}; otherwise a one-line error naming the key, the
     * expected shape and what was found.
     */
    public static INDArray require(Map<String, INDArray> arrays, String key, long[] shape, String option) {
        INDArray a = arrays.get(key);
        if (a == null) {
            throw new BadInputException(option + ": missing key '" + key + "' (expected shape " + Arrays.toString(shape)
                    + "; found keys " + arrays.keySet() + ")");
        }
        if (!Arrays.equals(a.shape(), shape)) {
            throw new BadInputException(option + ": key '" + key + "' has shape " + Arrays.toString(a.shape())
                    + ", expected " + Arrays.toString(shape));
        }
        return a;
    }

    /** Stored, not deflated, as np.savez writes them. */
    private static ZipEntry storedEntry(String name, byte[] data) {
        var entry = new ZipEntry(name);
        var crc = new CRC32();
        crc.update(data);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(data.length);
        entry.setCompressedSize(data.length);
        entry.setCrc(crc.getValue());
        return entry;
    }

    /** Writes the arrays (in map order) as an uncompressed .npz, atomically. */
    public static void write(Path file, Map<String, INDArray> arrays) {
        Output.atomically(file, temp -> {
            try (OutputStream out = Files.newOutputStream(temp); var zip = new ZipOutputStream(out)) {
                for (var e : arrays.entrySet()) {
                    byte[] npy = Nd4j.toNpyByteArray(e.getValue().dup('c'));
                    zip.putNextEntry(storedEntry(e.getKey() + ".npy", npy));
                    zip.write(npy);
                    zip.closeEntry();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (Exception e) {
                throw new IllegalStateException("cannot encode arrays for " + file, e);
            }
        });
    }
}
