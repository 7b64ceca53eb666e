// Backpropagation by hand, step 3: the hand-written gradients, dW1 checked entry by entry against central finite
// differences (scripts/backward.java checks all four, and against autodiff). Run: ./jbang shell scripts/walkthroughs/backward.jsh

var data = TwoMoons.lecture();
var X = data.train().features(DataType.DOUBLE);   // float64: a gradient check needs the digits
var E = data.train().oneHot(2, DataType.DOUBLE);
var net = TwoLayerNet.heNormal(8, 0, DataType.DOUBLE);

var f = ManualBackprop.forward(X, net);
var g = ManualBackprop.backward(X, E, f, net.W2());   // G2 = (P - E)/n, dW2 = G2^T H1, ..., dW1 = G1^T X
System.out.println(g);

// dL/dW1[i, j] ~ (L(w + eps) - L(w - eps)) / (2 eps), for each of the 16 entries of W1
double eps = 1e-6;
double[] index = new double[16], hand = new double[16], numeric = new double[16];
for (int k = 0; k < 16; k++) {
    int i = k / 2, j = k % 2;
    double w = net.W1().getDouble(i, j);
    net.W1().putScalar(i, j, w + eps);
    double up = ManualBackprop.loss(ManualBackprop.forward(X, net).a2(), E);
    net.W1().putScalar(i, j, w - eps);
    double down = ManualBackprop.loss(ManualBackprop.forward(X, net).a2(), E);
    net.W1().putScalar(i, j, w);
    index[k] = k; hand[k] = g.dW1().getDouble(i, j); numeric[k] = (up - down) / (2 * eps);
}
System.out.printf("dW1[0,0]: by hand %.10f, by finite difference %.10f%n", hand[0], numeric[0]);
Show.chart("backward", Charts.lines("dW1, entry by entry", "entry (row-major)", "dL/dW1", List.of(
        new Charts.Line("by hand", index, hand), new Charts.Line("finite difference", index, numeric))));
