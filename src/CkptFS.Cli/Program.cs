using CkptFS.Cli;

return await CliApp.RunAsync(args);
