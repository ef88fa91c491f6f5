-- The query catalog of the Orleans ADO.NET providers: each provider loads its named queries from here at start
-- and issues nothing else. Column names, parameter names (@Name) and result column names are the providers'
-- contract; the SQL behind them is ours.
CREATE TABLE OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL,
    QueryText varchar(8000) NOT NULL,
    CONSTRAINT OrleansQuery_Key PRIMARY KEY (QueryKey)
);
