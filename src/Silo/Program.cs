Console.WriteLine("sweep-silo: not built yet (issue 3)");
