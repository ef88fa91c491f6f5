-- Orleans grain state (AdoNet grain storage provider, Orleans 10.4.2 contract).
-- A grain's state is one row keyed by service, grain type and grain id; Version is the ETag.

CREATE TABLE OrleansStorage
(
    GrainIdHash            integer   NOT NULL,
    GrainIdN0              bigint    NOT NULL,
    GrainIdN1              bigint    NOT NULL,
    GrainTypeHash          integer   NOT NULL,
    GrainTypeString        text      NOT NULL,
    GrainIdExtensionString text      NULL,
    ServiceId              text      NOT NULL,
    PayloadBinary          bytea     NULL,
    ModifiedOn             timestamp NOT NULL,
    Version                integer   NULL
);

-- One row per grain state; the NULL extension string counts as a value of its own (hence the COALESCE).
CREATE UNIQUE INDEX OrleansStorage_Grain ON OrleansStorage
    (GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1, ServiceId, GrainTypeString, COALESCE(GrainIdExtensionString, ''));

-- Writes a state. With a NULL version the state was never stored: insert it as version 1, or return NULL if a row
-- already exists (another activation won). Otherwise update only if the stored version matches, returning the new
-- version, or the old one when it did not match; the provider reads an unchanged version as an ETag conflict.
CREATE FUNCTION sweep_orleans_write_storage(
    p_grain_id_hash integer, p_grain_id_n0 bigint, p_grain_id_n1 bigint, p_grain_type_hash integer,
    p_grain_type text, p_extension text, p_service_id text, p_version integer, p_payload bytea)
RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
    written integer;
BEGIN
    IF p_version IS NULL THEN
        INSERT INTO OrleansStorage
            (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId,
             PayloadBinary, ModifiedOn, Version)
        VALUES
            (p_grain_id_hash, p_grain_id_n0, p_grain_id_n1, p_grain_type_hash, p_grain_type, p_extension, p_service_id,
             p_payload, now() AT TIME ZONE 'utc', 1)
        ON CONFLICT (GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1, ServiceId, GrainTypeString, COALESCE(GrainIdExtensionString, ''))
        DO NOTHING
        RETURNING Version INTO written;
        RETURN written;
    END IF;

    UPDATE OrleansStorage
       SET PayloadBinary = p_payload, ModifiedOn = now() AT TIME ZONE 'utc', Version = Version + 1
     WHERE GrainIdHash = p_grain_id_hash AND GrainTypeHash = p_grain_type_hash
       AND GrainIdN0 = p_grain_id_n0 AND GrainIdN1 = p_grain_id_n1
       AND ServiceId = p_service_id AND GrainTypeString = p_grain_type
       AND GrainIdExtensionString IS NOT DISTINCT FROM p_extension
       AND Version = p_version
    RETURNING Version INTO written;
    RETURN COALESCE(written, p_version);
END
$fn$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('WriteToStorageKey', $q$
SELECT sweep_orleans_write_storage(
    @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString,
    @ServiceId, @GrainStateVersion, @PayloadBinary) AS NewGrainStateVersion;
$q$),
('ReadFromStorageKey', $q$
SELECT PayloadBinary, NULL::text AS PayloadJson, NULL::xml AS PayloadXml, now() AT TIME ZONE 'utc' AS Now, Version
  FROM OrleansStorage
 WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
   AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
   AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
   AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString;
$q$),
-- Clearing keeps the row (so the version keeps counting) with an empty payload.
('ClearStorageKey', $q$
UPDATE OrleansStorage
   SET PayloadBinary = NULL, ModifiedOn = now() AT TIME ZONE 'utc', Version = Version + 1
 WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
   AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
   AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
   AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
   AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
$q$),
-- Used instead of ClearStorageKey when DeleteStateOnClear is set: the row goes, the returned version is fresh.
('DeleteStorageKey', $q$
DELETE FROM OrleansStorage
 WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash
   AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
   AND ServiceId = @ServiceId AND GrainTypeString = @GrainTypeString
   AND GrainIdExtensionString IS NOT DISTINCT FROM @GrainIdExtensionString
   AND Version = @GrainStateVersion
RETURNING Version + 1 AS NewGrainStateVersion;
$q$);
