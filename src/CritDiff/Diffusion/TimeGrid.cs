namespace CritDiff.Diffusion;

/// <summary>
/// The diffusion times t_1 &lt; ... &lt; t_N of the time slices, each with its own network parameters
/// (docs/science.md section 4). Built from a single time, or N slices log-spaced or uniform in [t_min, T].
/// </summary>
public sealed record TimeGrid
{
    private TimeGrid(double[] times, string spacing)
    {
        Times = times;
        Spacing = spacing;
    }

    /// <summary>The slice times, increasing.</summary>
    public IReadOnlyList<double> Times { get; }

    /// <summary>"single", "log" or "uniform".</summary>
    public string Spacing { get; }

    /// <summary>Number of slices.</summary>
    public int Count => Times.Count;

    /// <summary>One slice at time t.</summary>
    public static TimeGrid Single(double t)
    {
        ForwardProcess.CheckTime(t);
        return new TimeGrid([t], "single");
    }

    /// <summary>N times log-spaced from t_min to t_max inclusive (N = 1 gives t_max).</summary>
    public static TimeGrid LogSpaced(int count, double tMin, double tMax)
    {
        Check(count, tMin, tMax);
        var times = new double[count];
        for (int j = 0; j < count; j++)
            times[j] = count == 1 ? tMax : tMin * Math.Pow(tMax / tMin, (double)j / (count - 1));
        times[^1] = tMax;
        return new TimeGrid(times, "log");
    }

    /// <summary>N times uniformly spaced from t_min to t_max inclusive (N = 1 gives t_max).</summary>
    public static TimeGrid Uniform(int count, double tMin, double tMax)
    {
        Check(count, tMin, tMax);
        var times = new double[count];
        for (int j = 0; j < count; j++)
            times[j] = count == 1 ? tMax : tMin + (tMax - tMin) * j / (count - 1);
        return new TimeGrid(times, "uniform");
    }

    private static void Check(int count, double tMin, double tMax)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "number of slices must be >= 1");
        ForwardProcess.CheckTime(tMin);
        ForwardProcess.CheckTime(tMax);
        if (!(tMax > tMin) && count > 1)
            throw new ArgumentOutOfRangeException(nameof(tMax), tMax, "t_max must be larger than t_min");
    }
}
