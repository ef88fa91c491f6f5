using Sweep.Client;

return await SweepCli.RunAsync(args, CliConsole.System);
