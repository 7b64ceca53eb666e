package data;

/** A train/test split in scikit-learn's order: {@code train_test_split} returns train first, then test. */
public record Split(Points train, Points test) {}
