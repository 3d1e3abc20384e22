// Interop checks with a standard gRPC implementation (@grpc/grpc-js).
// usage: node vizier-interop.js <proto> execute <host:port>        -> prints {"tables":..,"rows":..} of an ExecuteScript
//        node vizier-interop.js <proto> deadline <host:port> <ms>  -> prints {"code":..} of an ExecuteScript with a deadline
//        node vizier-interop.js <proto> unimplemented <host:port>  -> prints {"code":..} of an unknown method
//        node vizier-interop.js <proto> server                     -> serves VizierService, prints "listening <port>"
'use strict';
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [protoPath, mode, address, arg] = process.argv.slice(2);
const definition = protoLoader.loadSync(protoPath, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
const vizierpb = grpc.loadPackageDefinition(definition).px.api.vizierpb;

function print(obj) { process.stdout.write(JSON.stringify(obj) + '\n'); }

function execute(client, deadlineMs) {
  const options = deadlineMs ? { deadline: new Date(Date.now() + Number(deadlineMs)) } : {};
  const call = client.ExecuteScript({ query_str: 'px.display(px.DataFrame("t"))', query_name: 'interop' }, options);
  const tables = {};
  const names = {};
  let rows = 0, batches = 0, stats = null, firstString = null, firstUpidHigh = null;
  call.on('data', (r) => {
    if (r.meta_data) { names[r.meta_data.id] = r.meta_data.name; tables[r.meta_data.name] = 0; }
    if (r.data && r.data.batch) {
      const b = r.data.batch;
      batches++;
      rows += Number(b.num_rows);
      tables[names[b.table_id]] += Number(b.num_rows);
      for (const col of b.cols) {
        if (col.string_data && firstString === null && col.string_data.data.length) firstString = col.string_data.data[0].toString('utf8');
        if (col.uint128_data && firstUpidHigh === null && col.uint128_data.data.length) firstUpidHigh = col.uint128_data.data[0].high;
      }
    }
    if (r.data && r.data.execution_stats) stats = r.data.execution_stats;
  });
  call.on('error', (e) => { print({ code: e.code, details: e.details }); process.exit(0); });
  call.on('end', () => { print({ code: 0, tables, rows, batches, firstString, firstUpidHigh, records: stats && stats.records_processed }); process.exit(0); });
}

function unimplemented() {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  client.makeUnaryRequest('/px.api.vizierpb.VizierService/NoSuchMethod', (x) => x, (x) => x, Buffer.alloc(0), (err) => {
    print({ code: err ? err.code : 0, details: err ? err.details : '' });
    process.exit(0);
  });
}

function serve() {
  const server = new grpc.Server();
  server.addService(vizierpb.VizierService.service, {
    ExecuteScript: (call) => {
      const relation = { columns: [
        { column_name: 'name', column_type: 'STRING', column_semantic_type: 'ST_NONE', column_desc: '' },
        { column_name: 'n', column_type: 'INT64', column_semantic_type: 'ST_NONE', column_desc: '' },
      ] };
      call.write({ query_id: 'q1', meta_data: { name: 'out', id: 't1', relation } });
      call.write({ query_id: 'q1', data: { batch: { table_id: 't1', num_rows: 2, eow: false, eos: false,
        cols: [{ string_data: { data: [Buffer.from('a'), Buffer.from('bé')] } }, { int64_data: { data: ['1', '2'] } }] } } });
      call.write({ query_id: 'q1', data: { batch: { table_id: 't1', num_rows: 1, eow: true, eos: true,
        cols: [{ string_data: { data: [Buffer.from(call.request.query_str)] } }, { int64_data: { data: ['3'] } }] } } });
      call.write({ query_id: 'q1', data: { execution_stats: { timing: { execution_time_ns: '5', compilation_time_ns: '1' }, bytes_processed: '10', records_processed: '3' } } });
      call.end();
    },
    HealthCheck: (call) => { call.write({ status: { code: 0 } }); },
    GenerateOTelScript: (call, callback) => callback({ code: grpc.status.UNIMPLEMENTED, details: 'not here' }),
  });
  server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
    if (err) { console.error(err); process.exit(1); }
    process.stdout.write(`listening ${port}\n`);
  });
}

switch (mode) {
  case 'execute': execute(new vizierpb.VizierService(address, grpc.credentials.createInsecure())); break;
  case 'deadline': execute(new vizierpb.VizierService(address, grpc.credentials.createInsecure()), arg || '200'); break;
  case 'unimplemented': unimplemented(); break;
  case 'server': serve(); break;
  default: console.error('unknown mode ' + mode); process.exit(2);
}
