package plot;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import cli.Output;

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
        if (delayMillis < 10) throw new IllegalArgumentException("frame delay must be at least 10 ms, got " + delayMillis);
        int width = frames.get(0).getWidth(), height = frames.get(0).getHeight();
        for (BufferedImage frame : frames) {
            if (frame.getWidth() != width || frame.getHeight() != height) {
                throw new IllegalArgumentException("all frames must be " + width + "x" + height + ", found "
                        + frame.getWidth() + "x" + frame.getHeight());
            }
        }
        Output.atomically(target, temp -> {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
            try (ImageOutputStream out = ImageIO.createImageOutputStream(temp.toFile())) {
                writer.setOutput(out);
                writer.prepareWriteSequence(null);
                for (int i = 0; i < frames.size(); i++) {
                    IIOMetadata metadata = metadata(writer, frames.get(i), delayMillis, i == 0);
                    writer.writeToSequence(new IIOImage(frames.get(i), null, metadata), null);
                }
                writer.endWriteSequence();
            } finally {
                writer.dispose();
            }
        });
        return target;
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
