;;; SPDX-License-Identifier: GPL-2.0-or-later
;;; xkit's dom0 services for Guix System, as Shepherd services (Guix has
;;; no systemd). What dom0 and a domU need differs:
;;;  - a domU needs /proc/xen at most: %xen-proc-file-system, a
;;;    file-systems declaration (what systemd's proc-xen.mount does);
;;;  - dom0 needs that, Xen's store daemon with dom0's entries
;;;    (xkit-dom0-service-type: xenstored + init-dom0, xenconsoled), and
;;;    may want the guests of an auto directory (xkit-xendomains-service-type),
;;;    a watchdog (xkit-watchdog-service-type) and QEMU as dom0's own disk
;;;    backend (xkit-qemu-dom0-disk-backend-service-type);
;;;  - a driver domain (a domU serving other guests' disks and network
;;;    interfaces) needs xl devd: xkit-driverdomain-service-type, and the
;;;    kernel modules xen-blkback, xen-netback, loop and bridge.
;;;
;;;   (operating-system
;;;     (file-systems (cons %xen-proc-file-system %base-file-systems))
;;;     (services (append (list (service xkit-dom0-service-type)
;;;                             (service xkit-xendomains-service-type)
;;;                             (service xkit-watchdog-service-type))
;;;                       %base-services)))
(define-module (xkit services)
  #:use-module (gnu services)
  #:use-module (gnu services shepherd)
  #:use-module (gnu system file-systems)
  #:use-module (gnu packages virtualization)
  #:use-module (guix gexp)
  #:use-module (guix records)
  #:use-module (xkit)
  #:export (%xen-proc-file-system
            xkit-dom0-configuration
            xkit-dom0-configuration?
            xkit-dom0-service-type
            xkit-xendomains-configuration
            xkit-xendomains-service-type
            xkit-watchdog-configuration
            xkit-watchdog-service-type
            xkit-qemu-dom0-disk-backend-service-type
            xkit-driverdomain-service-type
            xkit-monitord-service-type))

;; xenfs on /proc/xen, for dom0 and domU alike.
(define %xen-proc-file-system
  (file-system
    (device "xenfs")
    (mount-point "/proc/xen")
    (type "xenfs")
    (check? #f)
    (create-mount-point? #t)
    (mount-may-fail? #t)))

(define-record-type* <xkit-dom0-configuration>
  xkit-dom0-configuration make-xkit-dom0-configuration
  xkit-dom0-configuration?
  (xkit       xkit-dom0-configuration-xkit (default xkit))
  (xen        xkit-dom0-configuration-xen (default xen))
  ;; "oxenstored" (Xen's default) or "xenstored" (the C daemon)
  (xenstored  xkit-dom0-configuration-xenstored (default "oxenstored"))
  (dom0-name  xkit-dom0-configuration-dom0-name (default "Domain-0"))
  (console-log-directory xkit-dom0-configuration-console-log-directory
                         (default "/var/log/xen/console")))

(define (xkit-dom0-shepherd-services config)
  (let ((xkit (xkit-dom0-configuration-xkit config))
        (xen (xkit-dom0-configuration-xen config))
        (daemon (xkit-dom0-configuration-xenstored config))
        (logs (xkit-dom0-configuration-console-log-directory config)))
    (list
     (shepherd-service
      (provision '(xenstored))
      ;; /proc/xen is mounted by file-systems (%xen-proc-file-system)
      (requirement '(file-systems))
      (documentation "Xen's store daemon, then dom0's entries in it (xkit's init-dom0).")
      (start #~(lambda _
                 (let ((pid ((make-forkexec-constructor
                              (list #$(file-append xen "/libexec/xen/bin/" daemon)
                                    "--no-fork")
                              #:environment-variables
                              '("XENSTORED_ROOTDIR=/var/lib/xenstored")))))
                   ;; init-dom0 waits for the daemon to answer
                   (zero? (system* #$(file-append xkit "/libexec/xkit/init-dom0")
                                   "--wait" "10"
                                   #$(xkit-dom0-configuration-dom0-name config)))
                   pid)))
      ;; the store outlives every guest: stopping it is not offered
      (stop #~(const #f))
      (respawn? #f))
     (shepherd-service
      (provision '(xenconsoled))
      (requirement '(xenstored))
      (documentation "Xen's console daemon.")
      (start #~(make-forkexec-constructor
                (list #$(file-append xen "/libexec/xen/bin/xenconsoled") "-i"
                      "--log=guest" #$(string-append "--log-dir=" logs))))
      (stop #~(make-kill-destructor))))))

(define (xkit-dom0-activation config)
  #~(begin
      (use-modules (guix build utils))
      (mkdir-p #$(xkit-dom0-configuration-console-log-directory config))
      (mkdir-p "/var/lib/xenstored")
      (mkdir-p "/var/lib/xkit")
      (mkdir-p "/var/lib/xen")))

(define xkit-dom0-service-type
  (service-type
   (name 'xkit-dom0)
   (extensions
    (list (service-extension shepherd-root-service-type xkit-dom0-shepherd-services)
          (service-extension activation-service-type xkit-dom0-activation)
          (service-extension profile-service-type
                             (lambda (config) (list (xkit-dom0-configuration-xkit config))))))
   (default-value (xkit-dom0-configuration))
   (description "Make this machine a Xen host (dom0) run with xkit: Xen's
store and console daemons and dom0's entries in the store.")))

(define-record-type* <xkit-xendomains-configuration>
  xkit-xendomains-configuration make-xkit-xendomains-configuration
  xkit-xendomains-configuration?
  (xkit      xkit-xendomains-configuration-xkit (default xkit))
  (auto      xkit-xendomains-configuration-auto (default "/etc/xen/auto"))
  (stop-wait xkit-xendomains-configuration-stop-wait (default 300)))

(define (xkit-xendomains-shepherd-service config)
  (let ((xendomains (file-append (xkit-xendomains-configuration-xkit config)
                                 "/libexec/xkit/xendomains"))
        (env (list (string-append "XENDOMAINS_AUTO="
                                  (xkit-xendomains-configuration-auto config))
                   (string-append "XENDOMAINS_STOP_MAXWAIT="
                                  (number->string
                                   (xkit-xendomains-configuration-stop-wait config))))))
    (list
     (shepherd-service
      (provision '(xendomains))
      (requirement '(xenstored xenconsoled networking))
      (documentation "Start the guests of the auto directory; shut every guest down on stop.")
      (one-shot? #f)
      (start #~(lambda _
                 (zero? (apply system* "env" (append '#$env (list #$xendomains "start"))))))
      (stop #~(lambda _
                (apply system* "env" (append '#$env (list #$xendomains "stop")))
                #f))))))

(define xkit-xendomains-service-type
  (service-type
   (name 'xkit-xendomains)
   (extensions
    (list (service-extension shepherd-root-service-type xkit-xendomains-shepherd-service)))
   (default-value (xkit-xendomains-configuration))
   (description "Xen guests across the host's boots: the auto directory's at
start, every guest shut down (side by side, with a time limit) at stop.")))

(define-record-type* <xkit-watchdog-configuration>
  xkit-watchdog-configuration make-xkit-watchdog-configuration
  xkit-watchdog-configuration?
  (xkit     xkit-watchdog-configuration-xkit (default xkit))
  (timeout  xkit-watchdog-configuration-timeout (default 30))
  (interval xkit-watchdog-configuration-interval (default 15)))

(define (xkit-watchdog-shepherd-service config)
  (list
   (shepherd-service
    (provision '(xen-watchdog))
    (requirement '(xenstored))
    (documentation "Keep dom0's Xen watchdog fed: Xen reboots the host if dom0 hangs.")
    (start #~(make-forkexec-constructor
              (list #$(file-append (xkit-watchdog-configuration-xkit config)
                                   "/sbin/xkit-watchdogd")
                    "-F"
                    #$(number->string (xkit-watchdog-configuration-timeout config))
                    #$(number->string (xkit-watchdog-configuration-interval config)))))
    ;; SIGTERM: the daemon removes its watchdog before it exits
    (stop #~(make-kill-destructor)))))

(define xkit-watchdog-service-type
  (service-type
   (name 'xkit-watchdog)
   (extensions
    (list (service-extension shepherd-root-service-type xkit-watchdog-shepherd-service)))
   (default-value (xkit-watchdog-configuration))
   (description "xkit-watchdogd: Xen reboots the host when dom0 stops poking its watchdog.")))

(define (xkit-qemu-dom0-disk-backend-shepherd-service qemu)
  (list
   (shepherd-service
    (provision '(xen-qemu-dom0-disk-backend))
    (requirement '(xenstored))
    (documentation "QEMU attached to dom0: the qdisk backend of dom0's own disks.")
    (start #~(make-forkexec-constructor
              (list #$qemu "-xen-domid" "0" "-xen-attach" "-name" "dom0" "-nographic"
                    "-M" "xenpv" "-monitor" "/dev/null" "-serial" "/dev/null"
                    "-parallel" "/dev/null" "-nodefaults" "-no-user-config")))
    (stop #~(make-kill-destructor)))))

(define xkit-qemu-dom0-disk-backend-service-type
  (service-type
   (name 'xkit-qemu-dom0-disk-backend)
   (extensions
    (list (service-extension shepherd-root-service-type
                             xkit-qemu-dom0-disk-backend-shepherd-service)))
   ;; the QEMU built for Xen, as a file-like object or a string
   (default-value "/run/current-system/profile/bin/qemu-system-i386")
   (description "QEMU as the qdisk backend of disks attached to dom0.")))

;; A daemon that is `xl ARGS...' of the xkit package, stopped with SIGTERM.
(define (xl-daemon-service-type name provision requirement documentation args description)
  (service-type
   (name name)
   (extensions
    (list (service-extension
           shepherd-root-service-type
           (lambda (xkit)
             (list
              (shepherd-service
               (provision provision)
               (requirement requirement)
               (documentation documentation)
               (start #~(make-forkexec-constructor
                         (cons #$(file-append xkit "/sbin/xl") '#$args)))
               (stop #~(make-kill-destructor))))))))
   (default-value xkit)
   (description description)))

;; SIGTERM: the devices it set up stay (a new daemon takes them back)
(define xkit-driverdomain-service-type
  (xl-daemon-service-type
   'xkit-driverdomain '(xen-driverdomain) '(networking)
   "xl devd: serve the device backends other guests name with backend=."
   '("devd" "-F")
   "For a driver domain (never dom0): xl devd sets up what the
kernel's blkback and netback need beside them, as Xen's hotplug scripts would."))

;; SIGTERM: its guests run on; a new daemon reads its list again
(define xkit-monitord-service-type
  (xl-daemon-service-type
   'xkit-monitord '(xkit-monitord) '(xenstored)
   "The host's monitor daemon: every guest's on_poweroff, on_reboot, on_crash."
   '("__monitord")
   "One process carrying out the on_* actions of every guest xkit's
xl created (xl create also starts it on demand)."))
