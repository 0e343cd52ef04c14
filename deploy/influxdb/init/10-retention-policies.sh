# Sourced (not executed) by the influxdb 1.x image's /init-influxdb.sh on the first start only,
# after it created INFLUXDB_DB and the users; $INFLUX_CMD is its `influx … -execute` as admin.
# Creates the two policies the app expects, so the app's own user needs no admin rights
# (INFLUX_CREATE_DATABASE=false): "raw" (default, INFLUX_RAW_RETENTION) and "forever" (rollups).
# InfluxQL identifiers are double-quoted; INFLUXDB_DB must not contain a double quote.

$INFLUX_CMD "CREATE RETENTION POLICY \"raw\" ON \"${INFLUXDB_DB}\" DURATION ${INFLUX_RAW_RETENTION:-400d} REPLICATION 1 DEFAULT"
$INFLUX_CMD "CREATE RETENTION POLICY \"forever\" ON \"${INFLUXDB_DB}\" DURATION INF REPLICATION 1"
