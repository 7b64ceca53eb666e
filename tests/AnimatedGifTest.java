import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import plot.AnimatedGif;
import plot.ChartStyle;

class AnimatedGifTest {
    static BufferedImage frame(Color colour, int width, int height) {
        var image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        var g = image.createGraphics();
        g.setColor(colour);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }

    static IIOMetadataNode node(IIOMetadataNode root, String name) {
        return (IIOMetadataNode) root.getElementsByTagName(name).item(0);
    }

    @Test
    void anIndexedFrameKeepsItsOwnPalette(@TempDir Path dir) throws Exception {
        byte[] red = new byte[256], green = new byte[256], blue = new byte[256];
        for (int i = 0; i < 256; i++) {
            red[i] = (byte) i;
            green[i] = (byte) (255 - i);
            blue[i] = (byte) (i / 2);
        }
        var frame = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 256, red, green, blue));
        byte[] pixels = ((DataBufferByte) frame.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < pixels.length; i++) pixels[i] = (byte) i;
        Path gif = AnimatedGif.write(dir.resolve("palette.gif"), List.of(frame, frame), 100);

        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            reader.setInput(in);
            for (int i = 0; i < 2; i++) {
                BufferedImage back = reader.read(i);
                for (int y = 0; y < 16; y++) {
                    for (int x = 0; x < 16; x++) assertEquals(frame.getRGB(x, y), back.getRGB(x, y), "frame " + i + " at " + x + "," + y);
                }
            }
        } finally {
            reader.dispose();
        }
    }

    @Test
    void writesEveryFrameWithItsDelayAndLoopsForever(@TempDir Path dir) throws Exception {
        var frames = new ArrayList<BufferedImage>();
        for (Color c : List.of(Color.WHITE, ChartStyle.CONFIDENT, ChartStyle.CLASS_0, ChartStyle.CLASS_1)) frames.add(frame(c, 40, 30));
        Path gif = dir.resolve("training.gif");
        AnimatedGif.write(gif, frames, 250);

        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            reader.setInput(in);
            assertEquals(4, reader.getNumImages(true));
            for (int i = 0; i < 4; i++) {
                var root = (IIOMetadataNode) reader.getImageMetadata(i).getAsTree("javax_imageio_gif_image_1.0");
                assertEquals("25", node(root, "GraphicControlExtension").getAttribute("delayTime"));
                assertEquals(frames.get(i).getRGB(20, 15), reader.read(i).getRGB(20, 15), "frame " + i);
            }
            var first = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_gif_image_1.0");
            IIOMetadataNode loop = node(first, "ApplicationExtension");
            assertEquals("NETSCAPE", loop.getAttribute("applicationID"));
            assertEquals("2.0", loop.getAttribute("authenticationCode"));
            assertArrayEquals(new byte[] {1, 0, 0}, (byte[]) loop.getUserObject());
        } finally {
            reader.dispose();
        }
    }

    @Test
    void framesOfDifferentSizesAreRejectedAndNothingIsWritten(@TempDir Path dir) throws Exception {
        Path gif = dir.resolve("bad.gif");
        assertThrows(IllegalArgumentException.class,
                () -> AnimatedGif.write(gif, List.of(frame(Color.WHITE, 40, 30), frame(Color.WHITE, 41, 30)), 100));
        assertThrows(IllegalArgumentException.class, () -> AnimatedGif.write(gif, List.of(), 100));
        assertFalse(Files.exists(gif));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }
}
