using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Sweep.Grains.Telemetry;

/// <summary>Wires Sweep's and Orleans' sources and meter to the console exporter (the <c>--telemetry console</c> flag).</summary>
public static class TelemetrySetup
{
    public static IServiceCollection AddSweepConsoleTelemetry(this IServiceCollection services, string serviceName)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithTracing(t => t
                .AddSource(SweepTelemetry.Name)
                .AddSource("Microsoft.Orleans.Application")
                .AddSource("Microsoft.Orleans.Lifecycle")
                .AddSource("Microsoft.Orleans.Storage")
                .AddConsoleExporter())
            .WithMetrics(m => m
                .AddMeter(SweepTelemetry.Name)
                .AddMeter("Microsoft.Orleans")
                .AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 10_000));
        return services;
    }
}
