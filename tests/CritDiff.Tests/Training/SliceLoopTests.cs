using CritDiff.Training;

namespace CritDiff.Tests.Training;

public class SliceLoopTests
{
    /// <summary>
    /// Gradient descent on f(x) = a x^2 / 2 from x0: x_n = x0 (1 - eta a)^n in closed form. Evaluated every
    /// <c>interval</c> steps, stops at the first evaluated step with f &lt;= eps f(x0), or at the cap (in its step hook).
    /// </summary>
    private sealed class Quadratic(double a, double eta, double x0, int interval, double eps, int cap, int first = 0)
        : ISliceObjective<string>
    {
        public double X = x0;
        public readonly List<string> Calls = [];
        public SliceMetrics? Metrics;
        private double _threshold = double.NaN;

        public int FirstStep => first;

        public void BeginStep(int step) => Calls.Add($"begin {step}");

        public bool Evaluates(int step) => step % interval == 0 || step == cap;

        public HistoryRow Evaluate(int step)
        {
            Calls.Add($"evaluate {step}");
            double loss = a * X * X / 2;
            return new HistoryRow(step, loss, loss);
        }

        public string? Decide(int step)
        {
            // The loop recorded the row before the decision.
            Assert.Equal(step, Metrics!.History[^1].Step);
            Calls.Add($"decide {step}");
            if (double.IsNaN(_threshold)) _threshold = eps * Metrics.History[^1].Loss;
            return Metrics.History[^1].Loss <= _threshold ? $"eps at {step}" : null;
        }

        public string? Step(int step)
        {
            if (step >= cap) return $"cap at {step}";
            Calls.Add($"step {step}");
            X -= eta * a * X;
            return null;
        }
    }

    [Fact]
    public void StopsAtTheFirstEvaluatedStepBelowEpsOfTheClosedForm()
    {
        const double a = 2, eta = 0.05, x0 = 1.5, eps = 1e-3;
        const int interval = 7;
        // f_n / f_0 = (1 - eta a)^(2n): the first multiple of the interval where that is <= eps.
        double factor = Math.Pow(1 - eta * a, 2);
        int expected = 0;
        while (Math.Pow(factor, expected) > eps) expected++;
        expected = (expected + interval - 1) / interval * interval;
        var reported = new List<int>();
        var objective = new Quadratic(a, eta, x0, interval, eps, cap: 10_000);
        var metrics = new SliceMetrics([], reported.Add);
        objective.Metrics = metrics;

        string outcome = SliceLoop.Run(objective, metrics, CancellationToken.None);

        Assert.Equal($"eps at {expected}", outcome);
        var steps = Enumerable.Range(0, expected / interval + 1).Select(i => i * interval).ToArray();
        Assert.Equal(steps, metrics.History.Select(r => r.Step));
        Assert.Equal(steps, reported);
        for (int i = 0; i < steps.Length; i++)
            Assert.Equal(a * x0 * x0 / 2 * Math.Pow(factor, steps[i]), metrics.History[i].Loss, 1e-12);
        // Every step: begin, then (when evaluated) evaluate and decide, then the optimizer step; none after the stop.
        Assert.Equal(["begin 0", "evaluate 0", "decide 0", "step 0", "begin 1", "step 1"], objective.Calls.Take(6));
        Assert.Equal($"decide {expected}", objective.Calls[^1]);
        Assert.Equal(expected, objective.Calls.Count(c => c.StartsWith("step ", StringComparison.Ordinal)));
    }

    [Fact]
    public void TheStepHookEndsTheRunAtItsCapAndAResumedRunRecordsTheSameRows()
    {
        // A cap that is not a multiple of the interval is evaluated, then the step hook ends the run.
        var whole = new Quadratic(1, 0.01, 1, interval: 4, eps: 1e-9, cap: 10);
        var wholeMetrics = new SliceMetrics([]);
        whole.Metrics = wholeMetrics;
        Assert.Equal("cap at 10", SliceLoop.Run(whole, wholeMetrics, CancellationToken.None));
        Assert.Equal([0, 4, 8, 10], wholeMetrics.History.Select(r => r.Step));

        // Resumed at step 5 from the state the whole run had there: the same rows, bit for bit.
        var head = new Quadratic(1, 0.01, 1, interval: 4, eps: 1e-9, cap: 5);
        var headMetrics = new SliceMetrics([]);
        head.Metrics = headMetrics;
        SliceLoop.Run(head, headMetrics, CancellationToken.None);
        var resumedMetrics = new SliceMetrics(headMetrics.History.Where(r => r.Step < 5).ToList());
        var resumed = new Quadratic(1, 0.01, 1, interval: 4, eps: 1e-9, cap: 10, first: 5) { X = head.X };
        resumed.Metrics = resumedMetrics;
        Assert.Equal("cap at 10", SliceLoop.Run(resumed, resumedMetrics, CancellationToken.None));
        Assert.Equal(wholeMetrics.History, resumedMetrics.History);
        Assert.Equal("begin 5", resumed.Calls[0]);
    }

    [Fact]
    public void ACancelledRunStopsBeforeItsNextStep()
    {
        using var cancel = new CancellationTokenSource();
        var objective = new Quadratic(1, 0.01, 1, interval: 1, eps: 1e-30, cap: 1_000_000);
        var metrics = new SliceMetrics([], step => { if (step == 3) cancel.Cancel(); });
        objective.Metrics = metrics;
        Assert.Throws<OperationCanceledException>(() => SliceLoop.Run(objective, metrics, cancel.Token));
        Assert.Equal(4, metrics.History.Count);
        Assert.Equal("step 3", objective.Calls[^1]);
    }
}
