package data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import cli.BadInputException;
import cli.Output;

/** numpy {@code .npz} archives of named arrays, as {@code np.savez(path, **state_dict)} writes them. */
public final class Npz {
    private Npz() {}

    /** Reads every array of an archive; a missing or unreadable file is a one-line error naming {@code option}. */
    public static Map<String, INDArray> read(Path file, String option) {
        if (!Files.isRegularFile(file)) throw new BadInputException(option + ": no such file " + file);
        try {
            return new LinkedHashMap<>(Nd4j.createFromNpzFile(file.toFile()));
        } catch (Exception e) {
            throw new BadInputException(option + ": " + file + " is not a readable .npz archive (" + e.getClass().getSimpleName() + ")");
        }
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

    /** Stored, not deflated: ND4J's npz reader (like np.savez) expects uncompressed entries. */
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
