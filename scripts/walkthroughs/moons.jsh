// The data of both lessons, as the lecture's notebook makes it with scikit-learn. Run: ./jbang shell scripts/walkthroughs/moons.jsh
// (or /open it in ./jbang shell). scripts/moons.java does the same and writes the CSVs.

// make_moons(n_samples=1000, noise=0.2, random_state=42): half circles, shuffled, Gaussian noise
var raw = TwoMoons.makeMoons(1000, 0.2, 42);
System.out.println("raw:   " + raw);

// StandardScaler on all points, then train_test_split(test_size=0.2, random_state=42)
var data = TwoMoons.standardizeAndSplit(raw, 0.2, 42);
System.out.println("train: " + data.train());
System.out.println("test:  " + data.test());

// the same numbers as scikit-learn's, point for point (tests/MoonsDataTest holds them to its files)
var first = data.train().x()[0];
System.out.println("first train point: (" + first[0] + ", " + first[1] + "), class " + data.train().y()[0]);

// the two classes in the plane
Show.points("moons", data.train());
