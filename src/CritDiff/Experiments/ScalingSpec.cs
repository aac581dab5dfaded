using System.Text.Json.Serialization;
using CritDiff.Diffusion;
using CritDiff.Networks;
using CritDiff.Training;

namespace CritDiff.Experiments;

/// <summary>
/// A training-time sweep (claims C1-C4): for every architecture, lattice size and seed, train each time
/// slice of the score network until the stopping rule of docs/science.md section 6, and measure generation
/// quality after a fixed budget of steps (claim C2). A sweep is a list of independent
/// <see cref="ScalingJob"/>s, so it can be resumed, sharded and merged.
/// </summary>
public sealed record ScalingSpec
{
    /// <summary>Name of the experiment (a folder name: letters, digits, '-', '_', '.').</summary>
    public required string Name { get; init; }

    /// <summary>The field family, one field per L.</summary>
    public required ModelFamily Family { get; init; }

    /// <summary>Spatial dimension d.</summary>
    [JsonPropertyName("d")]
    public required int Dimension { get; init; }

    /// <summary>Lattice sizes L, in the order given.</summary>
    public required IReadOnlyList<int> Sizes { get; init; }

    /// <summary>The networks, any of the <see cref="NetworkCatalog"/> (stored in config.json by name, <see cref="NetworkNameConverter"/>).</summary>
    public required IReadOnlyList<ScoreModelSpec> Architectures { get; init; }

    /// <summary>Forward process name: vp or ve.</summary>
    public string Schedule { get; init; } = "vp";

    /// <summary>Train a single slice at this time (null: <see cref="Slices"/> log-spaced slices in [<see cref="MinTime"/>, auto T]).</summary>
    [JsonPropertyName("t")]
    public double? Time { get; init; } = 0.1;

    /// <summary>Number of training slices when <see cref="Time"/> is null.</summary>
    public int Slices { get; init; } = 8;

    /// <summary>Smallest slice time t_min, also where generation stops.</summary>
    [JsonPropertyName("t_min")]
    public double MinTime { get; init; } = 1e-3;

    /// <summary>Population GD or empirical minibatch training (moment training; ignored when <see cref="Samples"/>).</summary>
    public TrainingMode Mode { get; init; } = TrainingMode.Population;

    /// <summary>
    /// Train by denoising score matching on exact Gaussian samples of each field (<see cref="SampleTrainer"/>) instead of on
    /// moments: any network, the training time by <see cref="StudyTraining.Rule"/>. Absent from config.json when false, so
    /// moment sweeps keep their files.
    /// </summary>
    [JsonPropertyName("samples")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Samples { get; init; }

    /// <summary>Optimizer name: gd (population), sgd, adam.</summary>
    public string Optimizer { get; init; } = "gd";

    /// <summary>Fixed learning rate, or null for the auto rule.</summary>
    [JsonPropertyName("lr")]
    public double? LearningRate { get; init; }

    /// <summary>
    /// The start of every run (see <see cref="NetworkStart.Parse"/>): balanced (default; also what a config.json
    /// written before this setting existed reads as), unbalanced[:R] or random:S.
    /// </summary>
    public string Start { get; init; } = "balanced";

    /// <summary>Minibatch size for empirical training.</summary>
    [JsonPropertyName("batch")]
    public int BatchSize { get; init; } = 64;

    /// <summary>Stopping threshold eps.</summary>
    public double Eps { get; init; } = 1e-2;

    /// <summary>Step cap per slice.</summary>
    public int MaxSteps { get; init; } = 100_000;

    /// <summary>Independent seeds per (architecture, L) (only empirical training differs between them).</summary>
    public int Seeds { get; init; } = 1;

    /// <summary>The fixed training budget (steps per slice) at which generation quality is reported.</summary>
    public int Budget { get; init; } = 100;

    /// <summary>Slices of the score network trained for the budget curve (log-spaced in [t_min, auto T]).</summary>
    public int GenerationSlices { get; init; } = 8;

    /// <summary>Exponential-integrator steps of the reverse process for the exact generated law.</summary>
    public int GenerationSteps { get; init; } = 200;

    /// <summary>Root seed.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The budgets of the KL curve: 0, powers of two up to 2 x <see cref="Budget"/>, and the budget itself.</summary>
    [JsonIgnore]
    public IReadOnlyList<int> BudgetCurve
    {
        get
        {
            var list = new SortedSet<int> { 0, Budget };
            for (int b = 1; b <= 2 * Budget; b *= 2) list.Add(b);
            return list.ToArray();
        }
    }

    /// <summary>The jobs of the sweep in a fixed order: architecture, then L, then seed.</summary>
    public IReadOnlyList<ScalingJob> Jobs()
    {
        var jobs = new List<ScalingJob>();
        foreach (var arch in Architectures)
            foreach (int l in Sizes)
                for (int s = 0; s < Seeds; s++)
                    jobs.Add(new ScalingJob(jobs.Count, arch, l, s));
        return jobs;
    }

    /// <summary>The forward process.</summary>
    [JsonIgnore]
    public ForwardProcess Process => ForwardProcess.Parse(Schedule);

    /// <summary>Checks every setting; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Name) || Name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            throw new ArgumentException($"experiment name must be letters, digits, '-', '_' or '.' (got '{Name}')");
        Family.CheckLattices(Dimension, Sizes);
        if (Architectures.Count == 0) throw new ArgumentException("give at least one architecture");
        if (Architectures.Any(a => a is null)) throw new ArgumentException("give at least one architecture (an entry is missing)");
        if (Architectures.Select(a => a.Name).Distinct(StringComparer.Ordinal).Count() != Architectures.Count)
            throw new ArgumentException("architectures: a network is listed twice");
        if (!Samples && Architectures.FirstOrDefault(a => !a.HasMomentObjective) is { } samplesOnly)
            throw new ArgumentException(StudyTraining.NeedsSamples(samplesOnly));
        _ = Process;
        if (Time is { } t && !(t > 0 && double.IsFinite(t))) throw new ArgumentException($"t must be > 0 (got {t})");
        if (Slices < 1) throw new ArgumentException($"slices must be >= 1 (got {Slices})");
        if (!(MinTime > 0)) throw new ArgumentException($"t_min must be > 0 (got {MinTime})");
        if (Seeds < 1) throw new ArgumentException($"seeds must be >= 1 (got {Seeds})");
        if (Budget < 1) throw new ArgumentException($"budget must be >= 1 (got {Budget})");
        if (GenerationSlices < 2) throw new ArgumentException($"generation slices must be >= 2 (got {GenerationSlices})");
        if (GenerationSteps < 1) throw new ArgumentException($"generation steps must be >= 1 (got {GenerationSteps})");
        if (!Samples && Mode == TrainingMode.Population && Optimizer == "sgd") throw new ArgumentException("sgd needs empirical mode");
        if (!Samples && Mode == TrainingMode.Empirical && Optimizer == "gd") throw new ArgumentException("gd uses the population gradient: use sgd or adam for empirical mode");
        try
        {
            _ = NetworkStart.Parse(Start ?? throw new FormatException("start is missing"));
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"start: {e.Message}", e);
        }
        if (Samples)
        {
            if (NetworkStart.Parse(Start) != NetworkStart.Balanced)
                throw new ArgumentException($"start: {Start} applies to moment training; on samples every network starts from its own initialization");
            StudyTraining.Validate(SampleConfig(0));
        }
        else Config(0).Validate();
    }

    /// <summary>The training settings on samples of seed index <paramref name="seedIndex"/> (seeds as in <see cref="Config"/>).</summary>
    public SampleTrainingConfig SampleConfig(int seedIndex) => new()
    {
        Optimizer = Training.Optimizer.Parse(Optimizer),
        LearningRate = LearningRate,
        BatchSize = BatchSize,
        MaxSteps = MaxSteps,
        Eps = Eps,
        Seed = Seed + (ulong)seedIndex * 0x9E3779B97F4A7C15UL,
    };

    /// <summary>The training settings of seed index <paramref name="seedIndex"/>.</summary>
    public TrainingConfig Config(int seedIndex) => new()
    {
        Mode = Mode,
        Optimizer = Training.Optimizer.Parse(Optimizer),
        LearningRate = LearningRate,
        Start = NetworkStart.Parse(Start),
        Eps = Eps,
        MaxSteps = MaxSteps,
        BatchSize = BatchSize,
        Seed = Seed + (ulong)seedIndex * 0x9E3779B97F4A7C15UL,
    };
}

/// <summary>One job of a sweep: network, lattice size and seed index; <see cref="Index"/> its place in the sweep.</summary>
public sealed record ScalingJob(int Index, ScoreModelSpec Architecture, int Length, int SeedIndex)
{
    /// <summary>File-name key, e.g. "0003_two-layer-local_1_L16_s0".</summary>
    public string Key => $"{Index:0000}_{Architecture.Name.Replace(':', '_').Replace(',', '+')}_L{Length}_s{SeedIndex}";
}
