namespace CritDiff.Experiments;

/// <summary>A job of a study that starts (<paramref name="Done"/> false) or ends, with a one-line account of what it found.</summary>
/// <param name="Job">The job's name, e.g. "two-layer L=16 seed 0" or "L=8 rate search".</param>
/// <param name="Done">False when it starts, true when it has finished.</param>
/// <param name="Detail">For a finished job, what it found in a few words (empty when it starts).</param>
public readonly record struct StudyProgress(string Job, bool Done, string Detail);
