using CkptFS.Common.Checkpoints;

namespace CkptFS.Client.Tests;

public sealed class IntervalAdviceTests
{
    private static readonly TimeSpan Cost = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Restart = TimeSpan.FromMinutes(10);

    /// <summary>Daly (2006)'s vectors: C = 5 min, R = 10 min; the higher-order interval within 1%.</summary>
    [Theory]
    [InlineData(24 * 60, 116.7)]
    [InlineData(6 * 60, 56.7)]
    [InlineData(15, 9.14)]
    public void DalyMatchesThePublishedVectors(double mtbfMinutes, double expectedMinutes)
    {
        var interval = IntervalAdvice.Daly(Cost, TimeSpan.FromMinutes(mtbfMinutes));
        Assert.InRange(interval.TotalMinutes, expectedMinutes * 0.99, expectedMinutes * 1.01);
    }

    [Fact]
    public void YoungIsTheSquareRootOfTwoCostTimesMtbf() =>
        Assert.Equal(120, IntervalAdvice.Young(Cost, TimeSpan.FromHours(24)).TotalMinutes, precision: 6);

    [Fact]
    public void DalyIsTheMtbfWhenASaveCostsTwiceIt() =>
        Assert.Equal(TimeSpan.FromMinutes(2), IntervalAdvice.Daly(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(2)));

    [Fact]
    public void DalysIntervalWastesNoMoreThanYoungsOrNeighbouringIntervals()
    {
        var mtbf = TimeSpan.FromHours(6);
        var daly = IntervalAdvice.Daly(Cost, mtbf);
        var atDaly = IntervalAdvice.Waste(daly, Cost, Restart, mtbf);
        Assert.True(atDaly <= IntervalAdvice.Waste(IntervalAdvice.Young(Cost, mtbf), Cost, Restart, mtbf) + 1e-12);
        Assert.True(atDaly < IntervalAdvice.Waste(daly * 0.5, Cost, Restart, mtbf));
        Assert.True(atDaly < IntervalAdvice.Waste(daly * 2, Cost, Restart, mtbf));
        Assert.InRange(atDaly, 0.05, 0.25);
    }

    [Fact]
    public void HistoryGivesMedianIntervalAndCost()
    {
        Assert.Equal(TimeSpan.FromMinutes(10), IntervalAdvice.MedianInterval([0, 600_000, 1_200_000, 3_000_000]));
        Assert.Null(IntervalAdvice.MedianInterval([5]));
        Assert.Equal(TimeSpan.FromSeconds(3), IntervalAdvice.MedianCost([0, 2000, 3000, 4000]));
        Assert.Null(IntervalAdvice.MedianCost([0, 0]));
    }
}
