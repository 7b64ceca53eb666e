// Vanishing gradient, step 2: the lecture's net made deeper (hidden1..hidden3 of width 264), once with ReLU and once with
// Sigmoid, from the same initial weights, 300 epochs each. scripts/deep.java trains 5 seeds of each for 1000 epochs.
// Run: ./jbang shell scripts/walkthroughs/deep.jsh

var data = TwoMoons.lecture();
for (var activation : new Activation[] {Activation.RELU, Activation.SIGMOID}) {
    var net = Mlp.deep(3, 264, activation, DataType.FLOAT).initLikeTorch(0);   // torch.manual_seed(0)'s weights for both
    var history = Training.run(activation.toString(), net, new Sgd(net, 0.01, 0.99), data.train(), data.test(), 300, e -> {});
    var last = history.last();
    System.out.printf("%-7s %s%n        after 300 epochs: loss %.4f, test accuracy %.1f%%%n", activation, net, last.loss(),
            100 * last.testAccuracy());
    Show.confidence(net, data.test());
}
// Is one always better? One seed cannot say: scripts/deep.java compares several, pair by pair.
