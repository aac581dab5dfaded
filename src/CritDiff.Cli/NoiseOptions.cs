using System.CommandLine;
using System.Globalization;
using CritDiff.Diffusion;

namespace CritDiff.Cli;

/// <summary>
/// --sigma-min / --sigma-max, the noise range of --schedule ve-geometric (<see cref="GeometricVarianceExploding"/>), on
/// every verb that takes --schedule for a process it builds (train, generate --exact-score / --train-budget).
/// </summary>
internal sealed class NoiseOptions
{
    /// <summary>The --schedule help shared by train and generate.</summary>
    public const string ScheduleHelp =
        "Forward process: vp (a = e^-t, b^2 = 1 - e^-2t), ve (a = 1, b^2 = t: the paper's VE, with --t-max auto = 1000 chi; " +
        "on --grid uniform the whole data scale falls inside one reverse step, which generate warns about: its default grid is log), or ve-geometric " +
        "(score_sde's VESDE: a = 1, b(t) = sigma_min (sigma_max/sigma_min)^t on t in (0, 1], f = 0, g^2 = 2 b^2 ln(sigma_max/sigma_min); " +
        "--t-max auto = 1; noise range from --sigma-min/--sigma-max; the JSON and checkpoints name it ve-geometric:SIGMA_MIN:SIGMA_MAX, " +
        "which is accepted here too).";

    public Option<double?> SigmaMin { get; } = new("--sigma-min")
    {
        Description = "With --schedule ve-geometric: smallest noise level sigma(0), field units per site and component, > 0 " +
                      "(default 0.01 x the data's per-site scale sqrt(<x^2>)).",
    };

    public Option<double?> SigmaMax { get; } = new("--sigma-max")
    {
        Description = "With --schedule ve-geometric: largest noise level sigma(1) > --sigma-min, field units per site and component " +
                      "(default max(D, sqrt(chi V)): D the largest distance ||x_i - x_j|| between data points over at most 2016 pairs " +
                      "(Song and Ermon 2020; for a Gaussian target sqrt(2 sum_k C(k))), chi the largest per-mode variance).",
    };

    public IEnumerable<Option> All => [SigmaMin, SigmaMax];

    /// <summary>
    /// The process of --schedule <paramref name="schedule"/>; for ve-geometric the range from the options, the rest from
    /// <paramref name="fromData"/> (called only then). Bad values exit 2 naming their option.
    /// </summary>
    public ForwardProcess Process(ParseResult result, string schedule, Func<NoiseRange> fromData)
    {
        double? min = result.GetValue(SigmaMin), max = result.GetValue(SigmaMax);
        bool geometric = ForwardProcess.IsGeometricName(schedule);
        bool named = geometric && schedule.Contains(':', StringComparison.Ordinal);
        if (!geometric || named)
        {
            if (min is not null || max is not null)
                throw new UsageException($"{(min is not null ? "--sigma-min" : "--sigma-max")} applies only with --schedule {GeometricVarianceExploding.Family} " +
                                         (named ? "without a range in its name" : $"(got --schedule {schedule})"));
            return TrainCommand.Parse("--schedule", schedule, ForwardProcess.Parse);
        }
        Positive("--sigma-min", min);
        Positive("--sigma-max", max);
        if (min is { } a && max is { } b && !(a < b))
            throw new UsageException(Invariant($"--sigma-min ({a:G6}) must be smaller than --sigma-max ({b:G6})"));
        var range = min is null || max is null ? TrainCommand.Parse("--sigma-max", "data", _ => fromData()) : null;
        double low = min ?? range!.SigmaMin, high = max ?? range!.SigmaMax;
        if (!(low < high))
            throw new UsageException(min is not null
                ? Invariant($"--sigma-min ({low:G6}) must be smaller than the data's default sigma_max {high:G6}: give --sigma-max")
                : Invariant($"--sigma-max ({high:G6}) must be larger than the data's default sigma_min {low:G6}: give --sigma-min"));
        return new GeometricVarianceExploding(low, high);
    }

    private static void Positive(string option, double? value)
    {
        if (value is { } x && !(x > 0 && double.IsFinite(x))) throw new UsageException(Invariant($"{option} must be a number > 0 (got {x})"));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
