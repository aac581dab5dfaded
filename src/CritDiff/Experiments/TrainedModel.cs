using System.Text.Json.Nodes;
using CritDiff.Diffusion;
using CritDiff.Fields;
using CritDiff.Generation;
using CritDiff.Networks;

namespace CritDiff.Experiments;

/// <summary>
/// A trained score model however it was trained (<see cref="ModelCheckpoint"/> stores it): the target it was trained for
/// (a Gaussian field, O(n) spins or phi^4: the real target, also where moment training saw it only through a measured
/// spectrum), the process, the network, how it was trained (<see cref="Mode"/>: population, empirical or samples, the
/// names of <c>train --mode</c>), one parameter set per time slice and the run summary of <c>train</c>. A time-conditioned
/// network (<see cref="ScoreModelSpec.IsTimeConditioned"/>, issue 22) has one parameter set for every t: <see cref="Times"/>
/// is then the range [t_min, T] it was trained on, <see cref="Parameters"/> its raw weights and <see cref="EmaParameters"/>
/// their moving average (<see cref="TimeConditioned"/>).
/// </summary>
public sealed record TrainedModel
{
    /// <summary>The <see cref="Mode"/> names, as <c>train --mode</c> spells them.</summary>
    public static readonly IReadOnlyList<string> Modes = ["population", "empirical", "samples"];

    /// <summary>Creates and checks a model: a known mode, one parameter set per slice, each in the network's layout.</summary>
    public TrainedModel(LatticeModel target, ForwardProcess process, ScoreModelSpec spec, string mode,
        IReadOnlyList<double> times, IReadOnlyList<NetworkParameters> parameters, JsonObject? summary = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(process);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!Modes.Contains(mode)) throw new ArgumentException($"mode must be one of {string.Join(", ", Modes)} (got '{mode}')", nameof(mode));
        if (spec.IsTimeConditioned)
        {
            if (parameters.Count != 1 || times.Count != 2 || !(times[0] > 0 && times[1] > times[0] && double.IsFinite(times[1])))
                throw new ArgumentException("a time-conditioned network has one parameter set and a time range [t_min, T] with 0 < t_min < T", nameof(parameters));
        }
        else if (parameters.Count != times.Count) throw new ArgumentException("one parameter set per time slice is required", nameof(parameters));
        (Target, Process, Spec, Mode, Times, Parameters, Summary) = (target, process, spec, mode, times, parameters, summary);
    }

    /// <summary>The target the model was trained for.</summary>
    public LatticeModel Target { get; init; }

    /// <summary>The forward process.</summary>
    public ForwardProcess Process { get; init; }

    /// <summary>The network of every slice.</summary>
    public ScoreModelSpec Spec { get; init; }

    /// <summary>How it was trained: population, empirical (moments) or samples (denoising score matching on samples).</summary>
    public string Mode { get; init; }

    /// <summary>The slice times t_j, increasing.</summary>
    public IReadOnlyList<double> Times { get; init; }

    /// <summary>One parameter set per slice.</summary>
    public IReadOnlyList<NetworkParameters> Parameters { get; init; }

    /// <summary>
    /// The exponential moving average of the weights of a time-conditioned network (generation samples with it), or null
    /// (per-slice networks; a time-conditioned one trained without an average).
    /// </summary>
    public NetworkParameters? EmaParameters { get; init; }

    /// <summary>The decay of <see cref="EmaParameters"/> (0: no average was kept).</summary>
    public double EmaDecay { get; init; }

    /// <summary>True for one network conditioned on the noise level for every t (<see cref="ScoreModelSpec.IsTimeConditioned"/>).</summary>
    public bool IsTimeConditioned => Spec.IsTimeConditioned;

    /// <summary>
    /// A time-conditioned network trained on samples over [<paramref name="timeMin"/>, <paramref name="timeMax"/>]: its raw
    /// weights and (decay &gt; 0) their moving average.
    /// </summary>
    public static TrainedModel TimeConditioned(LatticeModel target, ForwardProcess process, ScoreModelSpec spec, double timeMin, double timeMax,
        NetworkParameters parameters, NetworkParameters? emaParameters, double emaDecay, JsonObject? summary = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(parameters);
        if (!spec.IsTimeConditioned) throw new ArgumentException($"{spec.Name} is not a time-conditioned network", nameof(spec));
        if (!(emaDecay >= 0 && emaDecay < 1)) throw new ArgumentOutOfRangeException(nameof(emaDecay), emaDecay, "EMA decay must be in [0, 1)");
        if ((emaParameters is null) != (emaDecay == 0))
            throw new ArgumentException("give the averaged weights exactly when the EMA decay is > 0", nameof(emaParameters));
        return new TrainedModel(target, process, spec, "samples", [timeMin, timeMax], [parameters], summary)
        {
            EmaParameters = emaParameters,
            EmaDecay = emaDecay,
        };
    }

    /// <summary>The run summary of <c>train</c> (what <c>train --json</c> prints), or null.</summary>
    public JsonObject? Summary { get; init; }

    /// <summary>Field components n.</summary>
    public int Components => Target.Components;

    /// <summary>
    /// True for a model trained on samples, which generate runs with the real-space samplers; a model trained on moments
    /// (population or empirical, always linear) is generated in Fourier space with its exact generated law.
    /// </summary>
    public bool TrainedOnSamples => Mode == "samples";

    /// <summary>A fresh per-slice model of this network.</summary>
    public ScoreModel CreateModel() => Spec.Create(Target.Lattice, Target.Components);

    /// <summary>
    /// The score generation runs with in real space: per-slice networks through <see cref="TimeScore.Sliced"/> (interpolated
    /// in t or the nearest slice); a time-conditioned network as a <see cref="ConditionedScore"/> with its averaged weights
    /// (<paramref name="useAverage"/>, the default, where an average was kept) or its raw ones.
    /// </summary>
    public TimeScore Score(bool interpolate, bool useAverage = true)
    {
        var model = CreateModel();
        if (!IsTimeConditioned) return TimeScore.Sliced(model, Times, Parameters, interpolate);
        var parameters = useAverage && EmaParameters is { } average ? average : Parameters[0];
        return new ConditionedScore((TimeConditionedModel)model, parameters, Process);
    }

    /// <summary>
    /// The Gaussian field that Fourier-space generation compares with: the target itself, or for a finite-n target (which
    /// moment training saw only through a measured spectrum, on a free field of mu2 = 1 that carries the lattice) that
    /// stand-in, as the checkpoints of moment training stored it before issue 21.
    /// </summary>
    public GaussianField GaussianTarget => Target as GaussianField ?? GaussianField.FreeField(Target.Lattice, 1);

    /// <summary>
    /// The slices' multipliers as a <see cref="ScoreSchedule"/> (<see cref="TrainedScore.FromParameters"/>) for a linear
    /// convolution network; throws <see cref="ArgumentException"/> for a nonlinear or dense one.
    /// </summary>
    public ScoreSchedule MultiplierSchedule(bool interpolate) => Spec is LinearModelSpec linear
        ? TrainedScore.FromParameters(Target.Lattice, linear.Architecture, linear.Basis, Times, Parameters, interpolate)
        : throw new ArgumentException($"{Spec.Name} is not linear: it has no Fourier multiplier", nameof(interpolate));
}
