package plot;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.UUID;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import speed.Timings;

/** Animated GIFs (looping forever) written with javax.imageio alone, atomically. */
public final class AnimatedGif {
    private AnimatedGif() {}

    /**
     * Writes {@code frames} (all the same size) to {@code target}, showing each for {@code delayMillis}, looping forever;
     * returns its path. (ImageIO's GIF writer, not XChart's GifEncoder: that one reports a failed write by a return value
     * it drops, so a full disk would leave a broken file without a word.)
     */
    public static Path write(Path target, List<BufferedImage> frames, int delayMillis) {
        if (frames.isEmpty()) throw new IllegalArgumentException("an animation needs at least one frame");
        Writer writer = Writer.open(target, delayMillis);
        try {
            for (BufferedImage frame : frames) writer.add(frame);
            return writer.finish();
        } catch (RuntimeException | Error e) {
            writer.abandon();
            throw e;
        }
    }

    /**
     * An animation written frame by frame as the frames come (e.g. while a net trains, on another core), into a temp
     * file beside its target; it appears at the target, whole, when {@link #finish} is called.
     */
    public static final class Writer {
        private final Path target, temp;
        private final int delayMillis;
        private final ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        private final ImageOutputStream out;
        private int frames, width, height;

        private Writer(Path target, int delayMillis) throws IOException {
            this.target = target;
            this.delayMillis = delayMillis;
            io.Output.createParents(target.toAbsolutePath().getParent());
            temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
            out = ImageIO.createImageOutputStream(temp.toFile());
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
        }

        /** Starts the animation at {@code target}, each frame shown for {@code delayMillis}, looping forever. */
        public static Writer open(Path target, int delayMillis) {
            if (delayMillis < 10) throw new IllegalArgumentException("frame delay must be at least 10 ms, got " + delayMillis);
            try {
                return new Writer(target, delayMillis);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + target, e);
            }
        }

        /** Appends a frame (all frames the size of the first); returns this writer. */
        public Writer add(BufferedImage frame) {
            if (frames == 0) {
                width = frame.getWidth();
                height = frame.getHeight();
            } else if (frame.getWidth() != width || frame.getHeight() != height) {
                throw new IllegalArgumentException("all frames must be " + width + "x" + height + ", found " + frame.getWidth() + "x" + frame.getHeight());
            }
            try (var encoding = Timings.begin(Timings.GIF)) {
                writer.writeToSequence(new IIOImage(frame, null, metadata(writer, frame, delayMillis, frames == 0)), null);
                frames++;
                return this;
            } catch (IOException e) {
                abandon();
                throw new UncheckedIOException("cannot write " + target, e);
            }
        }

        /** Ends the animation and moves it to its target; returns the target. */
        public Path finish() {
            if (frames == 0) throw new IllegalStateException("an animation needs at least one frame");
            try (var encoding = Timings.begin(Timings.GIF)) {
                writer.endWriteSequence();
                out.close();
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return target;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + target, e);
            } finally {
                abandon();
            }
        }

        /** Drops the animation: the temp file goes, the target stays as it was. */
        public void abandon() {
            writer.dispose();
            try {
                out.close();
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the temp file is hidden and named after its target; nothing else to do
            }
        }

        @Override
        public String toString() {
            return "AnimatedGif.Writer[" + target.getFileName() + ", " + frames + " frames so far]";
        }
    }

    /**
     * A frame's metadata: its delay (GIF counts in hundredths of a second) and, on the first frame, the NETSCAPE2.0
     * block that makes viewers loop forever.
     */
    private static IIOMetadata metadata(ImageWriter writer, BufferedImage frame, int delayMillis, boolean first) throws IOException {
        IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), null);
        String format = metadata.getNativeMetadataFormatName();  // javax_imageio_gif_image_1.0
        var root = (IIOMetadataNode) metadata.getAsTree(format);

        var control = child(root, "GraphicControlExtension");
        control.setAttribute("disposalMethod", "none");
        control.setAttribute("userInputFlag", "FALSE");
        control.setAttribute("transparentColorFlag", "FALSE");
        control.setAttribute("delayTime", Integer.toString(Math.round(delayMillis / 10f)));
        control.setAttribute("transparentColorIndex", "0");

        if (frame.getColorModel() instanceof IndexColorModel palette) {   // its own colours (the writer would use a default table)
            var table = child(root, "LocalColorTable");
            table.setAttribute("sizeOfLocalColorTable", Integer.toString(palette.getMapSize()));
            table.setAttribute("sortFlag", "FALSE");
            for (int i = 0; i < palette.getMapSize(); i++) {
                var entry = new IIOMetadataNode("ColorTableEntry");
                entry.setAttribute("index", Integer.toString(i));
                entry.setAttribute("red", Integer.toString(palette.getRed(i)));
                entry.setAttribute("green", Integer.toString(palette.getGreen(i)));
                entry.setAttribute("blue", Integer.toString(palette.getBlue(i)));
                table.appendChild(entry);
            }
        }

        if (first) {
            var loop = new IIOMetadataNode("ApplicationExtension");
            loop.setAttribute("applicationID", "NETSCAPE");
            loop.setAttribute("authenticationCode", "2.0");
            loop.setUserObject(new byte[] {1, 0, 0});  // sub-block 1, loop count 0 (little-endian) = forever
            child(root, "ApplicationExtensions").appendChild(loop);
        }

        metadata.setFromTree(format, root);
        return metadata;
    }

    private static IIOMetadataNode child(IIOMetadataNode parent, String name) {
        for (int i = 0; i < parent.getLength(); i++) {
            if (parent.item(i).getNodeName().equals(name)) return (IIOMetadataNode) parent.item(i);
        }
        var node = new IIOMetadataNode(name);
        parent.appendChild(node);
        return node;
    }
}
