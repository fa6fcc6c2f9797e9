//===----------------------------------------------------------------------===//
// This source file is part of Enoki. Licensed under Apache License v2.0.
//===----------------------------------------------------------------------===//

import Enoki

// The Swift twins of the example services in Nameko's documentation and tutorials:
//
//   enoki-examples run greet_service serviceA serviceB service_x service_y --broker amqp://guest:guest@127.0.0.1
//   enoki-examples run service_a service_b listener service rpc_server
//   enoki-examples run http_service advanced_http_service http_exceptions_service
//   enoki-examples run mail compute api              (the seed's gateway; SMTP_URI and MAIL_FROM in the config)
await ServiceCommandLine.main(services: [
    GreetService.self,
    ServiceA.self,
    ServiceB.self,
    ServiceX.self,
    ServiceY.self,
    DispatchingService.self,
    ListeningService.self,
    ListenerService.self,
    TimerService.self,
    RPCQueueServer.self,
    HttpService.self,
    AdvancedHttpService.self,
    HttpExceptionsService.self,
    MailService.self,
    ComputeService.self,
    GatewayAPI.self,
])
