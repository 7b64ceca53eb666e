// Vanishing gradient, step 3: the weight-gradient norm of every hidden layer, epoch by epoch, ReLU vs Sigmoid (the nets
// of step 2). Does Sigmoid's first layer get much less gradient? Run: ./jbang shell scripts/walkthroughs/gradnorms.jsh

var data = TwoMoons.lecture();
for (var activation : new Activation[] {Activation.RELU, Activation.SIGMOID}) {
    var net = Mlp.deep(3, 264, activation, DataType.FLOAT).initLikeTorch(0);
    var history = Training.run(activation.toString(), net, new Sgd(net, 0.01, 0.99), data.train(), data.test(), 200, e -> {});
    // gradNorms()[epoch][k]: the L2 norm of hidden layer k's weight gradient (hidden1 is k = 0)
    double[] first = history.gradNorms()[0], last = history.gradNorms()[199];
    System.out.printf("%-7s epoch 0:   hidden1 %.2e, hidden2 %.2e, hidden3 %.2e%n", activation, first[0], first[1], first[2]);
    System.out.printf("%-7s epoch 199: hidden1 %.2e, hidden2 %.2e, hidden3 %.2e%n", activation, last[0], last[1], last[2]);
    // and what the step changed in hidden1's weights, as a share of them (the 1e-3 rule of thumb)
    System.out.printf("%-7s update / weight of hidden1 at epoch 199: %.1e%n", activation, history.perLayer().get(Training.UPDATE_RATIO)[199][0]);
    Show.gradNorms(history);
}
