// Vanishing gradient, step 1: the lecture's net, trained for 300 of its 1000 epochs (scripts/lecture.java trains all
// 1000 and checks the result against PyTorch's). Run: ./jbang shell scripts/walkthroughs/lecture.jsh

var data = TwoMoons.lecture();

// hidden = Linear(2, 264), latent = Linear(264, 2), output = Linear(2, 2), ReLU; the weights torch.manual_seed(1) gives
var net = Mlp.lecture(264, Activation.RELU, DataType.FLOAT).initLikeTorch(1);
System.out.println(net);

// full-batch SGD, lr 0.01, momentum 0.99; a progress line every 100 epochs
var sgd = new Sgd(net, 0.01, 0.99);
var history = Training.run("lecture", net, sgd, data.train(), data.test(), 300,
        e -> { if (e.epoch() % 100 == 0) System.out.println(Training.progressLine(e)); });
System.out.println(history);

// what the net does to the data: its confidence in the input space and in its 2-unit latent space
Show.confidence(net, data.test());
Show.loss(history);
