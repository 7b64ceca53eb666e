package speed;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Memory for work repeated many times on one thread, e.g. a figure's confidence field, the net evaluated on 14,400 or
 * 40,000 grid points per GIF frame or snapshot: the arrays made while it is open live in an ND4J workspace, which the
 * next opening on this thread reuses. Outside one, every large array is fresh memory from the system (glibc maps
 * blocks above 128 KB anew and unmaps them when freed), and the first touch of each of its pages is a page fault, which
 * in this VM cost more than the arithmetic: train-manual's field of 120 x 120 points, H = 64, took 26-33 ms (each
 * [14400, 64] op 10-20 ms) against 3.4-5 ms in a workspace, 200 x 200 points 85-100 ms against 6.5-10 ms (measured on
 * the AMD machine, loaded, the same run alternating both).
 */
public final class ReusedMemory {
    private static final WorkspaceConfiguration REUSED = WorkspaceConfiguration.builder().policyLearning(LearningPolicy.FIRST_LOOP)
            .policyAllocation(AllocationPolicy.STRICT).policySpill(SpillPolicy.REALLOCATE).build();

    private ReusedMemory() {}

    /**
     * Opens the memory named {@code name} on this thread (try-with-resources); arrays made until it closes are not valid
     * after it (copy out what is kept, e.g. into Java arrays). Sized by its first use, grown when a use needs more.
     */
    public static MemoryWorkspace open(String name) {
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(REUSED, name);
    }

    /** Leaves any open workspace until closed: for arrays that outlive it, e.g. a net's buffers made on first use. */
    public static MemoryWorkspace outside() {
        return Nd4j.getWorkspaceManager().scopeOutOfWorkspaces();
    }
}
