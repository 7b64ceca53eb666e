// Vanishing gradient, the depth sweep: the first hidden layer's weight-gradient norm at the initial weights (epoch 0's
// gradient) of nets of depth 1..8, seed 0, with PyTorch's default init and with kaiming. scripts/depth.java sweeps
// three activations, several seeds and fits the factor per layer. Run: ./jbang shell scripts/walkthroughs/depth.jsh

var data = TwoMoons.lecture();
var lines = new ArrayList<Charts.Line>();
for (var init : new WeightInit[] {WeightInit.TORCH, WeightInit.KAIMING}) {
    for (var activation : new Activation[] {Activation.RELU, Activation.SIGMOID}) {
        double[] depths = {1, 2, 3, 4, 5, 6, 7, 8}, norms = new double[8];
        for (int d = 1; d <= 8; d++) {
            var net = Mlp.deep(d, 264, activation, DataType.FLOAT).initLikeTorch(0, init);   // torch.manual_seed(0), then init
            norms[d - 1] = Training.run("depth " + d, net, new Sgd(net, 0.01, 0.99), data.train(), null, 1, e -> {}).gradNorms()[0][0];
        }
        System.out.printf("%-7s %-7s hidden1 at depth 1: %.2e, at depth 8: %.2e%n", activation, init, norms[0], norms[7]);
        lines.add(new Charts.Line(activation + ", " + init, depths, norms));
    }
}
// a norm of exactly 0 (a dead ReLU net) has no place on a log axis: the line has a gap there
Show.chart("depth", Charts.lines("hidden1's gradient at the initial weights", "depth", "norm (log)", lines, Charts.Scale.LOG));
