"""The Jupyter project's conformance suite (jupyter_kernel_test) run against this toolkit's Java kernel.

Run by tests/NotebookKernelTest.java with JUPYTER_DATA_DIR pointing at a kernelspec it installed; prints one line per
test (ok, FAIL, skipped: reason) and exits non-zero on a failure. The kernel starts in notebooks/ (cwd), as Jupyter
starts it for the notebooks there.
"""
import os
import sys
import unittest

import jupyter_kernel_test
from jupyter_client.manager import start_new_kernel

CHART = 'Charts.lines("t", "x", "y", List.of(new Charts.Line("a", new double[] {0, 1}, new double[] {1, 2})))'

# What the suite can ask that this kernel does not do, and why; each such test is skipped with this reason.
UNSUPPORTED = {
    "test_pager": "no pager payloads: Java has no ?-help syntax; the notebook's inspect (Shift-Tab) shows signatures",
}


class MoonsKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "moons"
    language_name = "java"
    file_extension = ".jsh"

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name=cls.kernel_name, startup_timeout=120, cwd=os.getcwd())

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("a line on stderr");'
    completion_samples = [
        {"text": "Mlp.le", "matches": {"lecture("}},
        {"text": "var data = TwoMoons.lecture();\ndata.tr", "matches": {"train()"}},
    ]
    complete_code_samples = ["1 + 1", "int x = 1;", "for (int i = 0; i < 3; i++) { }", "var data = TwoMoons.lecture();\ndata"]
    incomplete_code_samples = ["for (int i = 0; i < 3; i++) {", "Math.max(1,", "int y = "]
    invalid_code_samples = [")", "}"]
    code_generate_error = 'throw new IllegalStateException("as asked");'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"two " + "moons"', "result": '"two moons"'},
        {"code": CHART, "mime": "image/png"},
        {"code": CHART, "mime": "image/svg+xml"},
        {"code": "new java.awt.image.BufferedImage(40, 30, java.awt.image.BufferedImage.TYPE_INT_RGB)", "mime": "image/png"},
    ]
    code_display_data = [
        {"code": 'Show.chart("t", ' + CHART + ');', "mime": "image/png"},
        {"code": 'Show.image("pixels", new java.awt.image.BufferedImage(40, 30, java.awt.image.BufferedImage.TYPE_INT_RGB));',
         "mime": "image/png"},
        {"code": "var net = Mlp.lecture(8, Activation.RELU, DataType.FLOAT).initLikeTorch(1);\n"
                 "Show.confidence(net, TwoMoons.lecture().test());", "mime": "image/png"},
    ]
    code_history_pattern = "6 *"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "Mlp.lecture"
    code_clear_output = "Notebook.clearOutput();"


for name, reason in UNSUPPORTED.items():
    setattr(MoonsKernelTests, name, unittest.skip(reason)(getattr(MoonsKernelTests, name)))


class Lines(unittest.TextTestResult):
    """One line per test: ok / FAIL / ERROR / skipped (reason)."""

    def addSuccess(self, test):
        super().addSuccess(test)
        print("ok      " + test._testMethodName, flush=True)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        print("FAIL    " + test._testMethodName + "\n" + self._exc_info_to_string(err, test), flush=True)

    def addError(self, test, err):
        super().addError(test, err)
        print("ERROR   " + test._testMethodName + "\n" + self._exc_info_to_string(err, test), flush=True)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        print("skipped " + test._testMethodName + " (" + (reason or "nothing to test it with") + ")", flush=True)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            print(("FAIL    " if issubclass(err[0], test.failureException) else "ERROR   ") + str(subtest) + "\n"
                  + self._exc_info_to_string(err, test), flush=True)


if __name__ == "__main__":
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(MoonsKernelTests)
    result = unittest.TextTestRunner(stream=open(os.devnull, "w"), resultclass=Lines, verbosity=0).run(suite)
    print("%d run, %d failed, %d errors, %d skipped" % (result.testsRun, len(result.failures), len(result.errors), len(result.skipped)))
    sys.stdout.flush()
    os._exit(0 if result.wasSuccessful() else 1)   # (not sys.exit: jupyter_client's finalizers print noise at interpreter exit)
