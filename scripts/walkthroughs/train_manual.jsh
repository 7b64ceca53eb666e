// Backpropagation by hand, step 4: gradient descent with the hand-written passes, 300 steps at lr 0.5 (scripts/train_manual.java
// runs 2000 and draws the boundary as it moves). Run: ./jbang shell scripts/walkthroughs/train_manual.jsh

var data = TwoMoons.lecture();
var X = data.train().features(DataType.FLOAT);
var E = data.train().oneHot(2, DataType.FLOAT);
var net = TwoLayerNet.heNormal(64, 0, DataType.FLOAT);
for (int epoch = 0; epoch <= 300; epoch++) {
    try (var step = ManualBackprop.stepMemory()) {   // one step's arrays, reused: memory stays flat
        var f = ManualBackprop.forward(X, net);
        if (epoch % 100 == 0) System.out.printf("epoch %d: loss %.4f, train accuracy %.1f%%%n", epoch,
                ManualBackprop.loss(f.a2(), E), 100 * f.accuracy(data.train().y()));
        if (epoch < 300) ManualBackprop.step(net, ManualBackprop.backward(X, E, f, net.W2()), 0.5);   // theta <- theta - lr dL/dtheta
    }
}
Show.confidence(net, data.test());
