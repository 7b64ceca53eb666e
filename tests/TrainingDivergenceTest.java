import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import cli.Cli;
import data.Split;
import data.TwoMoons;
import nn.Activation;
import nn.Mlp;
import nn.Sgd;
import nn.Training;

/** A run that diverges keeps the epochs it trained before the loss stopped being finite. */
class TrainingDivergenceTest {
    @Test
    void theHistoryBeforeTheDivergenceIsKept() {
        Split data = TwoMoons.lecture();
        Mlp net = Mlp.lecture(264, Activation.RELU, DataType.FLOAT).initLikeTorch(0);
        var e = assertThrows(Training.Diverged.class,
                () -> Training.run("lecture lr 1e30", net, new Sgd(net, 1e30, 0.99), data.train(), data.test(), 1000, r -> {}));
        Training.History before = e.history();
        int epoch = before.epochs().size();
        assertTrue(epoch >= 1 && epoch < 1000, "diverged at epoch " + epoch);
        assertTrue(e.getMessage().contains("epoch " + epoch), e.getMessage());
        for (int i = 0; i < epoch; i++) {
            assertEquals(i, before.epochs().get(i).epoch());
            assertTrue(Double.isFinite(before.epochs().get(i).loss()));
        }
        assertEquals(epoch, before.gradNorms().length);
        assertEquals(epoch + 1, before.csv().lines().count());
    }

    @Test
    void lectureWritesTheHistoryOfADivergedRunAndExits3(@TempDir Path out) throws Exception {
        assertEquals(3, Cli.run(new lecture(), "--lr", "1e30", "--out", out.toString()));
        List<String> lines = Files.readAllLines(out.resolve("history.csv"));
        assertEquals("epoch,loss,train_acc,test_acc", lines.get(0));
        assertTrue(lines.size() >= 2, "no epochs kept: " + lines);
        assertTrue(lines.get(1).startsWith("0,"), lines.get(1));
    }
}
