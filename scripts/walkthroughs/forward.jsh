// Backpropagation by hand, step 2: the forward pass x -> Linear -> ReLU -> Linear -> softmax -> CE on 4 points, every
// intermediate named as scripts/backprop.md names it. Run: ./jbang shell scripts/walkthroughs/forward.jsh

var data = TwoMoons.lecture();
var X = data.train().features(DataType.FLOAT).get(NDArrayIndex.interval(0, 4), NDArrayIndex.all());   // 4 samples, one per row
var E = data.train().oneHot(2, DataType.FLOAT).get(NDArrayIndex.interval(0, 4), NDArrayIndex.all());  // their one-hot labels
var net = TwoLayerNet.heNormal(5, 0, DataType.FLOAT);   // W1 [5, 2], b1 [5], W2 [2, 5], b2 [2]
System.out.println(net);

var f = ManualBackprop.forward(X, net);   // a1 = X W1^T + b1, h1 = ReLU(a1), a2 = h1 W2^T + b2, p = softmax(a2)
System.out.println(f);
System.out.println("a1 =\n" + f.a1());
System.out.println("h1 = max(a1, 0) =\n" + f.h1());
System.out.println("p, each row sums to 1 =\n" + f.p());
System.out.println("L = " + ManualBackprop.loss(f.a2(), E));

// what the untrained net says about every point of the plane
Show.confidence(net, data.test());
