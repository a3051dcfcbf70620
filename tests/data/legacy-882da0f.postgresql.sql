--
-- PostgreSQL database dump
--


-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: delivery; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.delivery (
    key character varying(400) NOT NULL,
    kind character varying(32) NOT NULL,
    item_id integer,
    offset_minutes integer,
    revision integer,
    platform character varying(32) NOT NULL,
    target character varying(128) NOT NULL,
    due_at timestamp with time zone NOT NULL,
    status character varying(16) NOT NULL,
    claimed_by character varying(128),
    claimed_at timestamp with time zone,
    done_at timestamp with time zone,
    message_ref character varying(128),
    error character varying(500)
);


--
-- Name: directchannel; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.directchannel (
    platform character varying(32) NOT NULL,
    user_id character varying(64) NOT NULL,
    channel_id character varying(64) NOT NULL
);


--
-- Name: item; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.item (
    id integer NOT NULL,
    workshop_id integer NOT NULL,
    slug character varying(63) NOT NULL,
    kind character varying NOT NULL,
    title character varying NOT NULL,
    summary text,
    keywords character varying NOT NULL,
    start timestamp with time zone,
    "end" timestamp with time zone,
    room character varying,
    track character varying,
    day date,
    url character varying,
    session_slug character varying,
    "position" integer NOT NULL,
    active boolean NOT NULL
);


--
-- Name: item_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.item_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: item_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.item_id_seq OWNED BY public.item.id;


--
-- Name: person; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.person (
    id integer NOT NULL,
    workshop_id integer NOT NULL,
    key character varying NOT NULL,
    name character varying NOT NULL,
    affiliation character varying,
    discord_id character varying,
    slack_id character varying
);


--
-- Name: person_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.person_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: person_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.person_id_seq OWNED BY public.person.id;


--
-- Name: programchange; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.programchange (
    id integer NOT NULL,
    workshop_id integer NOT NULL,
    revision integer NOT NULL,
    created_at timestamp with time zone NOT NULL,
    changes_json text NOT NULL
);


--
-- Name: programchange_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.programchange_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: programchange_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.programchange_id_seq OWNED BY public.programchange.id;


--
-- Name: qathread; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.qathread (
    id integer NOT NULL,
    item_id integer NOT NULL,
    platform character varying(32) NOT NULL,
    channel_id character varying(64) NOT NULL,
    thread_id character varying(64) NOT NULL,
    starter_id character varying(64),
    url character varying(500),
    created_at timestamp with time zone NOT NULL
);


--
-- Name: qathread_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.qathread_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: qathread_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.qathread_id_seq OWNED BY public.qathread.id;


--
-- Name: question; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.question (
    id integer NOT NULL,
    item_id integer NOT NULL,
    platform character varying(32) NOT NULL,
    author_id character varying(64) NOT NULL,
    author_name character varying(200),
    anonymous boolean NOT NULL,
    text text NOT NULL,
    status character varying(16) NOT NULL,
    reason character varying(500),
    answer text,
    answered_by character varying(200),
    message_ref character varying(128),
    created_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: question_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.question_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: question_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.question_id_seq OWNED BY public.question.id;


--
-- Name: role; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.role (
    id integer NOT NULL,
    workshop_id integer NOT NULL,
    person_id integer NOT NULL,
    item_id integer,
    kind character varying NOT NULL,
    "position" integer NOT NULL
);


--
-- Name: role_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.role_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: role_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.role_id_seq OWNED BY public.role.id;


--
-- Name: subscription; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.subscription (
    id integer NOT NULL,
    item_id integer NOT NULL,
    platform character varying(32) NOT NULL,
    user_id character varying(64) NOT NULL,
    offset_minutes integer NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: subscription_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.subscription_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: subscription_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.subscription_id_seq OWNED BY public.subscription.id;


--
-- Name: userpreference; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.userpreference (
    platform character varying(32) NOT NULL,
    user_id character varying(64) NOT NULL,
    timezone character varying,
    updated_at timestamp with time zone NOT NULL
);


--
-- Name: vote; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.vote (
    question_id integer NOT NULL,
    platform character varying(32) NOT NULL,
    user_id character varying(64) NOT NULL,
    source character varying(16) NOT NULL,
    created_at timestamp with time zone NOT NULL
);


--
-- Name: workshop; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.workshop (
    id integer NOT NULL,
    slug character varying(63) NOT NULL,
    name character varying NOT NULL,
    venue character varying,
    start_date date NOT NULL,
    end_date date NOT NULL,
    timezone character varying NOT NULL,
    url character varying,
    summary text,
    channels_json text NOT NULL,
    qa_json text DEFAULT '{}'::text NOT NULL,
    reminders_json text DEFAULT '{}'::text NOT NULL,
    revision integer NOT NULL
);


--
-- Name: workshop_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.workshop_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: workshop_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.workshop_id_seq OWNED BY public.workshop.id;


--
-- Name: item id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.item ALTER COLUMN id SET DEFAULT nextval('public.item_id_seq'::regclass);


--
-- Name: person id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.person ALTER COLUMN id SET DEFAULT nextval('public.person_id_seq'::regclass);


--
-- Name: programchange id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.programchange ALTER COLUMN id SET DEFAULT nextval('public.programchange_id_seq'::regclass);


--
-- Name: qathread id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.qathread ALTER COLUMN id SET DEFAULT nextval('public.qathread_id_seq'::regclass);


--
-- Name: question id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.question ALTER COLUMN id SET DEFAULT nextval('public.question_id_seq'::regclass);


--
-- Name: role id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.role ALTER COLUMN id SET DEFAULT nextval('public.role_id_seq'::regclass);


--
-- Name: subscription id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscription ALTER COLUMN id SET DEFAULT nextval('public.subscription_id_seq'::regclass);


--
-- Name: workshop id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.workshop ALTER COLUMN id SET DEFAULT nextval('public.workshop_id_seq'::regclass);


--
-- Data for Name: delivery; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.delivery VALUES ('subscription|2|discord|111|3', 'subscription', 2, 3, NULL, 'discord', '111', '2021-12-13 16:03:00+00', 'claimed', 'old-host:1:abc', '2021-12-13 16:00:00+00', NULL, NULL, NULL);
INSERT INTO public.delivery VALUES ('subscription|2|discord|111|1', 'subscription', 2, 1, NULL, 'discord', '111', '2021-12-13 16:01:00+00', 'sent', 'old-host:1:abc', '2021-12-13 16:00:00+00', '2021-12-13 16:00:00+00', '1234567890', NULL);
INSERT INTO public.delivery VALUES ('subscription|2|discord|111|2', 'subscription', 2, 2, NULL, 'discord', '111', '2021-12-13 16:02:00+00', 'failed', 'old-host:1:abc', '2021-12-13 16:00:00+00', '2021-12-13 16:00:00+00', NULL, '403 Forbidden');
INSERT INTO public.delivery VALUES ('announce|2|discord|111|4', 'announce', 2, 4, NULL, 'discord', '111', '2021-12-13 16:04:00+00', 'dropped', NULL, NULL, '2021-12-13 16:00:00+00', NULL, NULL);


--
-- Data for Name: directchannel; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.directchannel VALUES ('slack', 'U0ALICE', 'D0ALICE');


--
-- Data for Name: item; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.item VALUES (1, 1, 'opening-remarks', 'remarks', 'Opening Remarks', 'The organizers open the workshop and introduce the day.', 'introduction
welcome', '2021-12-13 17:00:00+00', '2021-12-13 17:25:00+00', 'main', NULL, NULL, NULL, NULL, 0, true);
INSERT INTO public.item VALUES (2, 1, 'kraska-talk', 'talk', 'TBD', 'Invited talk by Tim Kraska; the title has not been announced.', 'invited talk
keynote', '2021-12-13 17:30:00+00', '2021-12-13 18:05:00+00', 'main', NULL, NULL, NULL, NULL, 1, true);
INSERT INTO public.item VALUES (3, 1, 'anandkumar-talk', 'talk', 'TBD', 'Invited talk by Anima Anandkumar; the title has not been announced.', 'invited talk
keynote', '2021-12-13 18:10:00+00', '2021-12-13 18:40:00+00', 'main', NULL, NULL, NULL, NULL, 2, true);
INSERT INTO public.item VALUES (5, 1, 'lunch', 'break', 'Lunch Break', 'Lunch break.', 'lunch
break
food', '2021-12-13 20:05:00+00', '2021-12-13 21:00:00+00', 'main', NULL, NULL, NULL, NULL, 4, true);
INSERT INTO public.item VALUES (6, 1, 'ceze-talk', 'talk', 'TBD', 'Invited talk by Luis Ceze; the title has not been announced.', 'invited talk
keynote', '2021-12-13 23:50:00+00', '2021-12-14 00:25:00+00', 'main', NULL, NULL, NULL, NULL, 5, true);
INSERT INTO public.item VALUES (7, 1, 'phothilimtha-talk', 'talk', 'Autotuning a production ML compiler with learned cost models', 'How an autotuner searches graph- and kernel-level choices in the XLA compiler (layouts, operator fusion, tile sizes) on TPUs, using a learned cost model to cut tuning time; it now tunes Google''s most-used production models every day.', 'XLA
autotuner
autotuning
compiler
TPU
cost model
search', '2021-12-14 00:30:00+00', '2021-12-14 01:00:00+00', 'main', NULL, NULL, NULL, NULL, 6, true);
INSERT INTO public.item VALUES (8, 1, 'tian-talk', 'talk', 'Learned iterative refinement for decompilation and system optimization', 'Treats system optimization as a sequence of refinement steps guided by a learned model, with Coda and N-Bref as examples that decompile assembly back into source code better than hand-written decompilers.', 'decompilation
decompiler
assembly
iterative refinement
Coda
N-Bref', '2021-12-14 01:00:00+00', '2021-12-14 01:30:00+00', 'main', NULL, NULL, NULL, NULL, 7, true);
INSERT INTO public.item VALUES (9, 1, 'closing-remarks', 'remarks', 'Closing Remarks', 'The organizers close the workshop.', 'outro
goodbye', '2021-12-14 01:40:00+00', '2021-12-14 01:55:00+00', 'main', NULL, NULL, NULL, NULL, 8, true);
INSERT INTO public.item VALUES (10, 1, 'aquarius', 'paper', 'Aquarius: bridging machine learning and networking for load balancing', 'A framework that gathers features from fast data-centre networking systems so ML models can be trained offline and deployed online, shown on network load balancers where it beats ECMP/WCMP-style heuristics.', 'load balancer
load balancing
networking
data center
ECMP', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 9, true);
INSERT INTO public.item VALUES (11, 1, 'nic', 'paper', 'NIC: a neural instruction combiner for LLVM', 'Replaces LLVM''s bug-prone instruction-combining compiler pass with a Seq2Seq model that rewrites unoptimized IR sequences into optimized ones, matching the classic pass exactly 72% of the time.', 'LLVM
compiler
instruction combining
peephole
seq2seq
IR', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 10, true);
INSERT INTO public.item VALUES (12, 1, 'gon', 'paper', 'GON: generative optimization networks for memory-efficient anomaly detection', 'A GAN-like model without a generator: one discriminator creates samples by optimizing its input, so anomaly and intrusion detection fits in the memory of edge devices such as a Raspberry Pi.', 'anomaly detection
intrusion detection
edge devices
GAN
memory
time series', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 11, true);
INSERT INTO public.item VALUES (13, 1, 'deeprng', 'paper', 'DeepRNG: reinforcement learning in place of random numbers for software testing', 'Swaps the random number generator of generative software testing for a deep RL agent that watches the program''s state, testing the Cosmos SDK more thoroughly.', 'software testing
fuzzing
random testing
reinforcement learning
Cosmos SDK', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 12, true);
INSERT INTO public.item VALUES (14, 1, 'caching-interpretability', 'paper', 'Interpretability of machine learning in computer systems: analyzing a caching model', 'Looks inside a learned cache model to find concepts beyond simple statistics that a practitioner can understand, a first step to explaining ML models used in systems.', 'interpretability
explainability
caching
cache replacement
prefetching', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 13, true);
INSERT INTO public.item VALUES (15, 1, 'automap', 'paper', 'automap: automatic partitioning for large-model training', 'A prototype partitioner inside existing compilers that searches a partitioning IR for SPMD sharding of data, parameters and activations, recovering expert strategies such as Megatron sharding of transformers.', 'partitioning
sharding
SPMD
model parallelism
data parallelism
Megatron
compiler', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 14, true);
INSERT INTO public.item VALUES (16, 1, 'rddc-allocation', 'paper', 'Reinforcement learning for resource allocation in disaggregated data centres', 'A graph neural network policy trained with RL allocates server and network resources together in resource-disaggregated data centres, beating hand-made heuristics and scaling to far larger topologies.', 'resource allocation
disaggregated data centre
scheduling
graph neural network
networking', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 15, true);
INSERT INTO public.item VALUES (17, 1, 'rl-load-balancing', 'paper', 'Distributed asynchronous reinforcement learning for fair network load balancing', 'Learns how network load balancers spread work across servers from limited observations with distributed asynchronous RL, improving fairness over current load-balancing algorithms in simulation.', 'load balancer
load balancing
fairness
data center
networking', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 16, true);
INSERT INTO public.item VALUES (18, 1, 'compilergym', 'paper', 'CompilerGym: compiler optimization tasks as reinforcement learning environments', 'Community infrastructure that exposes compiler optimizations as RL environments so researchers can iterate quickly; early results point to representation learning and transfer between program domains as the open problems.', 'compiler
compiler optimization
gym
environments
benchmark
reinforcement learning', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 17, true);
INSERT INTO public.item VALUES (19, 1, 'nemo', 'paper', 'NEMO: neuroevolution for multi-objective mixed-precision quantization', 'A species-based neuroevolution search with graph neural networks that finds Pareto-optimal mixed-precision quantization settings trading memory against bit-operations on ImageNet models such as ResNet50.', 'quantization
mixed precision
neuroevolution
multi-objective
Pareto
compression', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 18, true);
INSERT INTO public.item VALUES (20, 1, 'lns-madam', 'paper', 'LNS-Madam: low-precision training in a logarithmic number system', 'Pairs a logarithmic number system with the multiplicative Madam optimizer so neural networks train directly on low-precision weights with little quantization error and no loss of accuracy.', 'quantization
low precision
training
logarithmic number system
optimizer
hardware', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 19, true);
INSERT INTO public.item VALUES (21, 1, 'prime', 'paper', 'PRIME: designing hardware accelerators from logged data, without simulation', 'Offline, data-driven design of hardware accelerators: it learns a conservative cost model from past simulations and optimizes designs against it, beating simulation-driven search and generalizing to unseen applications.', 'hardware accelerator
computer architecture
offline optimization
simulation
design', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 20, true);
INSERT INTO public.item VALUES (22, 1, 'decoder-pruning', 'paper', 'Pruning neural decoders for low-latency communication', 'Applies iterative pruning in the style of the lottery ticket hypothesis to neural channel decoders so they run faster on edge devices, with semi-soft decision decoding to win back bit error rate.', 'pruning
lottery ticket
neural decoder
communications
latency
edge devices', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 21, true);
INSERT INTO public.item VALUES (4, 1, 'carbin-talk', 'talk', 'TBD', 'Invited talk by Michael Carbin; the title has not been announced.', 'invited talk
keynote', '2021-12-13 19:00:00+00', '2021-12-13 19:35:00+00', 'main', NULL, NULL, NULL, NULL, 3, true);


--
-- Data for Name: person; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.person VALUES (1, 1, 'benoit steiner', 'Benoit Steiner', 'Facebook AI Research', NULL, NULL);
INSERT INTO public.person VALUES (2, 1, 'jonathan raiman', 'Jonathan Raiman', 'NVIDIA', NULL, NULL);
INSERT INTO public.person VALUES (3, 1, 'martin maas', 'Martin Maas', 'Google', NULL, NULL);
INSERT INTO public.person VALUES (4, 1, 'azade nazi', 'Azade Nazi', 'Google Brain', NULL, NULL);
INSERT INTO public.person VALUES (5, 1, 'mimee xu', 'Mimee Xu', 'NYU', NULL, NULL);
INSERT INTO public.person VALUES (6, 1, 'anna goldie', 'Anna Goldie', 'Google Brain / Stanford', NULL, NULL);
INSERT INTO public.person VALUES (7, 1, 'tim kraska', 'Tim Kraska', NULL, NULL, NULL);
INSERT INTO public.person VALUES (8, 1, 'anima anandkumar', 'Anima Anandkumar', NULL, NULL, NULL);
INSERT INTO public.person VALUES (9, 1, 'michael carbin', 'Michael Carbin', NULL, NULL, NULL);
INSERT INTO public.person VALUES (10, 1, 'luis ceze', 'Luis Ceze', NULL, NULL, NULL);
INSERT INTO public.person VALUES (11, 1, 'phitchaya phothilimtha', 'Phitchaya Phothilimtha', NULL, NULL, NULL);
INSERT INTO public.person VALUES (12, 1, 'yuandong tian', 'Yuandong Tian', NULL, NULL, NULL);
INSERT INTO public.person VALUES (13, 1, 'zhiyuan yao', 'Zhiyuan Yao', NULL, NULL, NULL);
INSERT INTO public.person VALUES (14, 1, 'thomas heide clausen', 'Thomas Heide Clausen', NULL, NULL, NULL);
INSERT INTO public.person VALUES (15, 1, 'sandya mannarswamy', 'sandya mannarswamy', NULL, NULL, NULL);
INSERT INTO public.person VALUES (16, 1, 'dibyendu das', 'Dibyendu Das', NULL, NULL, NULL);
INSERT INTO public.person VALUES (17, 1, 'shreshth tuli', 'Shreshth Tuli', NULL, NULL, NULL);
INSERT INTO public.person VALUES (18, 1, 'shikhar tuli', 'Shikhar Tuli', NULL, NULL, NULL);
INSERT INTO public.person VALUES (19, 1, 'giuliano casale', 'Giuliano Casale', NULL, NULL, NULL);
INSERT INTO public.person VALUES (20, 1, 'nicholas jennings', 'Nicholas Jennings', NULL, NULL, NULL);
INSERT INTO public.person VALUES (21, 1, 'chuan-yung tsai', 'Chuan-Yung Tsai', NULL, NULL, NULL);
INSERT INTO public.person VALUES (22, 1, 'graham taylor', 'Graham Taylor', NULL, NULL, NULL);
INSERT INTO public.person VALUES (23, 1, 'leon sixt', 'Leon Sixt', NULL, NULL, NULL);
INSERT INTO public.person VALUES (24, 1, 'evan liu', 'Evan Liu', NULL, NULL, NULL);
INSERT INTO public.person VALUES (25, 1, 'marie pellat', 'Marie Pellat', NULL, NULL, NULL);
INSERT INTO public.person VALUES (26, 1, 'james wexler', 'James Wexler', NULL, NULL, NULL);
INSERT INTO public.person VALUES (27, 1, 'milad hashemi', 'Milad Hashemi', NULL, NULL, NULL);
INSERT INTO public.person VALUES (28, 1, 'been kim', 'Been Kim', NULL, NULL, NULL);
INSERT INTO public.person VALUES (29, 1, 'michael schaarschmidt', 'Michael Schaarschmidt', NULL, NULL, NULL);
INSERT INTO public.person VALUES (30, 1, 'adam paszke', 'Adam Paszke', NULL, NULL, NULL);
INSERT INTO public.person VALUES (31, 1, 'zacharaya shabka', 'Zacharaya Shabka', NULL, NULL, NULL);
INSERT INTO public.person VALUES (32, 1, 'georgios zervas', 'Georgios Zervas', NULL, NULL, NULL);
INSERT INTO public.person VALUES (33, 1, 'zihan ding', 'Zihan Ding', NULL, NULL, NULL);
INSERT INTO public.person VALUES (34, 1, 'chris cummins', 'Chris Cummins', NULL, NULL, NULL);
INSERT INTO public.person VALUES (35, 1, 'bram wasti', 'Bram Wasti', NULL, NULL, NULL);
INSERT INTO public.person VALUES (36, 1, 'brandon cui', 'Brandon Cui', NULL, NULL, NULL);
INSERT INTO public.person VALUES (37, 1, 'olivier teytaud', 'Olivier Teytaud', NULL, NULL, NULL);
INSERT INTO public.person VALUES (38, 1, 'hugh leather', 'Hugh Leather', NULL, NULL, NULL);
INSERT INTO public.person VALUES (39, 1, 'santiago miret', 'Santiago Miret', NULL, NULL, NULL);
INSERT INTO public.person VALUES (40, 1, 'vui seng chua', 'Vui Seng Chua', NULL, NULL, NULL);
INSERT INTO public.person VALUES (41, 1, 'mattias marder', 'Mattias Marder', NULL, NULL, NULL);
INSERT INTO public.person VALUES (42, 1, 'mariano phielipp', 'Mariano Phielipp', NULL, NULL, NULL);
INSERT INTO public.person VALUES (43, 1, 'nilesh jain', 'Nilesh Jain', NULL, NULL, NULL);
INSERT INTO public.person VALUES (44, 1, 'somdeb majumdar', 'Somdeb Majumdar', NULL, NULL, NULL);
INSERT INTO public.person VALUES (45, 1, 'jiawei zhao', 'Jiawei Zhao', NULL, NULL, NULL);
INSERT INTO public.person VALUES (46, 1, 'steve dai', 'Steve Dai', NULL, NULL, NULL);
INSERT INTO public.person VALUES (47, 1, 'rangha venkatesan', 'Rangha Venkatesan', NULL, NULL, NULL);
INSERT INTO public.person VALUES (48, 1, 'brian zimmer', 'Brian Zimmer', NULL, NULL, NULL);
INSERT INTO public.person VALUES (49, 1, 'mustafa ali', 'Mustafa Ali', NULL, NULL, NULL);
INSERT INTO public.person VALUES (50, 1, 'ming-yu liu', 'Ming-Yu Liu', NULL, NULL, NULL);
INSERT INTO public.person VALUES (51, 1, 'brucek khailany', 'Brucek Khailany', NULL, NULL, NULL);
INSERT INTO public.person VALUES (52, 1, 'aviral kumar', 'Aviral Kumar', NULL, NULL, NULL);
INSERT INTO public.person VALUES (53, 1, 'kevin swersky', 'Kevin Swersky', NULL, NULL, NULL);
INSERT INTO public.person VALUES (54, 1, 'amir yazdanbakhsh', 'Amir Yazdanbakhsh', NULL, NULL, NULL);
INSERT INTO public.person VALUES (55, 1, 'sergey levine', 'Sergey Levine', NULL, NULL, NULL);
INSERT INTO public.person VALUES (56, 1, 'vikrant malik', 'Vikrant Malik', NULL, NULL, NULL);
INSERT INTO public.person VALUES (57, 1, 'rohan ghosh', 'Rohan Ghosh', NULL, NULL, NULL);
INSERT INTO public.person VALUES (58, 1, 'mehul motani', 'Mehul Motani', NULL, NULL, NULL);


--
-- Data for Name: programchange; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.programchange VALUES (1, 1, 2, '2021-12-13 16:01:00+00', '[{"slug": "carbin-talk", "title": "TBD", "change": "moved", "item_id": 4, "old_start": "2021-12-13T18:45:00+00:00", "old_end": "2021-12-13T19:20:00+00:00", "new_start": "2021-12-13T11:00:00-08:00", "new_end": "2021-12-13T11:35:00-08:00"}]');


--
-- Data for Name: qathread; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.qathread VALUES (1, 2, 'discord', '900', '901', '902', 'https://discord.com/channels/1/901', '2021-12-13 16:00:00+00');
INSERT INTO public.qathread VALUES (2, 10, 'slack', 'C0QA', '1639411200.000100', NULL, 'https://example.slack.com/archives/C0QA/p1639411200000100', '2021-12-13 16:00:00+00');


--
-- Data for Name: question; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.question VALUES (1, 2, 'discord', '111', 'Alice', false, 'How does it scale to 10⁶ nodes? “quotes” ''too''', 'open', NULL, NULL, NULL, 'm1', '2021-12-13 16:00:00+00', '2021-12-13 16:00:00+00');
INSERT INTO public.question VALUES (2, 2, 'slack', 'U0ALICE', NULL, true, 'Anonymous: what about =SUM(A1)?', 'pending', NULL, NULL, NULL, 'm2', '2021-12-13 16:00:00+00', '2021-12-13 16:00:00+00');
INSERT INTO public.question VALUES (3, 2, 'discord', '222', 'Bob', false, 'Hidden one', 'hidden', 'off topic', NULL, NULL, 'm3', '2021-12-13 16:00:00+00', '2021-12-13 16:00:00+00');
INSERT INTO public.question VALUES (4, 2, 'slack', 'U0BOB', 'Bob', false, 'Answered one
with two lines', 'answered', NULL, 'It does.', 'Speaker', NULL, '2021-12-13 16:00:00+00', '2021-12-13 16:00:00+00');


--
-- Data for Name: role; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.role VALUES (1, 1, 1, NULL, 'organizer', 0);
INSERT INTO public.role VALUES (2, 1, 2, NULL, 'organizer', 1);
INSERT INTO public.role VALUES (3, 1, 3, NULL, 'organizer', 2);
INSERT INTO public.role VALUES (4, 1, 4, NULL, 'organizer', 3);
INSERT INTO public.role VALUES (5, 1, 5, NULL, 'organizer', 4);
INSERT INTO public.role VALUES (6, 1, 6, NULL, 'organizer', 5);
INSERT INTO public.role VALUES (7, 1, 2, 1, 'speaker', 0);
INSERT INTO public.role VALUES (8, 1, 6, 1, 'speaker', 1);
INSERT INTO public.role VALUES (9, 1, 1, 1, 'speaker', 2);
INSERT INTO public.role VALUES (10, 1, 4, 1, 'speaker', 3);
INSERT INTO public.role VALUES (11, 1, 3, 1, 'speaker', 4);
INSERT INTO public.role VALUES (12, 1, 5, 1, 'speaker', 5);
INSERT INTO public.role VALUES (13, 1, 7, 2, 'speaker', 0);
INSERT INTO public.role VALUES (14, 1, 8, 3, 'speaker', 0);
INSERT INTO public.role VALUES (15, 1, 9, 4, 'speaker', 0);
INSERT INTO public.role VALUES (16, 1, 10, 6, 'speaker', 0);
INSERT INTO public.role VALUES (17, 1, 11, 7, 'speaker', 0);
INSERT INTO public.role VALUES (18, 1, 12, 8, 'speaker', 0);
INSERT INTO public.role VALUES (19, 1, 2, 9, 'speaker', 0);
INSERT INTO public.role VALUES (20, 1, 5, 9, 'speaker', 1);
INSERT INTO public.role VALUES (21, 1, 3, 9, 'speaker', 2);
INSERT INTO public.role VALUES (22, 1, 6, 9, 'speaker', 3);
INSERT INTO public.role VALUES (23, 1, 4, 9, 'speaker', 4);
INSERT INTO public.role VALUES (24, 1, 1, 9, 'speaker', 5);
INSERT INTO public.role VALUES (25, 1, 13, 10, 'author', 0);
INSERT INTO public.role VALUES (26, 1, 14, 10, 'author', 1);
INSERT INTO public.role VALUES (27, 1, 15, 11, 'author', 0);
INSERT INTO public.role VALUES (28, 1, 16, 11, 'author', 1);
INSERT INTO public.role VALUES (29, 1, 17, 12, 'author', 0);
INSERT INTO public.role VALUES (30, 1, 18, 12, 'author', 1);
INSERT INTO public.role VALUES (31, 1, 19, 12, 'author', 2);
INSERT INTO public.role VALUES (32, 1, 20, 12, 'author', 3);
INSERT INTO public.role VALUES (33, 1, 21, 13, 'author', 0);
INSERT INTO public.role VALUES (34, 1, 22, 13, 'author', 1);
INSERT INTO public.role VALUES (35, 1, 23, 14, 'author', 0);
INSERT INTO public.role VALUES (36, 1, 24, 14, 'author', 1);
INSERT INTO public.role VALUES (37, 1, 25, 14, 'author', 2);
INSERT INTO public.role VALUES (38, 1, 26, 14, 'author', 3);
INSERT INTO public.role VALUES (39, 1, 27, 14, 'author', 4);
INSERT INTO public.role VALUES (40, 1, 28, 14, 'author', 5);
INSERT INTO public.role VALUES (41, 1, 3, 14, 'author', 6);
INSERT INTO public.role VALUES (42, 1, 29, 15, 'author', 0);
INSERT INTO public.role VALUES (43, 1, 30, 15, 'author', 1);
INSERT INTO public.role VALUES (44, 1, 31, 16, 'author', 0);
INSERT INTO public.role VALUES (45, 1, 32, 16, 'author', 1);
INSERT INTO public.role VALUES (46, 1, 13, 17, 'author', 0);
INSERT INTO public.role VALUES (47, 1, 33, 17, 'author', 1);
INSERT INTO public.role VALUES (48, 1, 14, 17, 'author', 2);
INSERT INTO public.role VALUES (49, 1, 34, 18, 'author', 0);
INSERT INTO public.role VALUES (50, 1, 35, 18, 'author', 1);
INSERT INTO public.role VALUES (51, 1, 36, 18, 'author', 2);
INSERT INTO public.role VALUES (52, 1, 37, 18, 'author', 3);
INSERT INTO public.role VALUES (53, 1, 1, 18, 'author', 4);
INSERT INTO public.role VALUES (54, 1, 12, 18, 'author', 5);
INSERT INTO public.role VALUES (55, 1, 38, 18, 'author', 6);
INSERT INTO public.role VALUES (56, 1, 39, 19, 'author', 0);
INSERT INTO public.role VALUES (57, 1, 40, 19, 'author', 1);
INSERT INTO public.role VALUES (58, 1, 41, 19, 'author', 2);
INSERT INTO public.role VALUES (59, 1, 42, 19, 'author', 3);
INSERT INTO public.role VALUES (60, 1, 43, 19, 'author', 4);
INSERT INTO public.role VALUES (61, 1, 44, 19, 'author', 5);
INSERT INTO public.role VALUES (62, 1, 45, 20, 'author', 0);
INSERT INTO public.role VALUES (63, 1, 46, 20, 'author', 1);
INSERT INTO public.role VALUES (64, 1, 47, 20, 'author', 2);
INSERT INTO public.role VALUES (65, 1, 48, 20, 'author', 3);
INSERT INTO public.role VALUES (66, 1, 49, 20, 'author', 4);
INSERT INTO public.role VALUES (67, 1, 50, 20, 'author', 5);
INSERT INTO public.role VALUES (68, 1, 51, 20, 'author', 6);
INSERT INTO public.role VALUES (69, 1, 8, 20, 'author', 7);
INSERT INTO public.role VALUES (70, 1, 52, 21, 'author', 0);
INSERT INTO public.role VALUES (71, 1, 27, 21, 'author', 1);
INSERT INTO public.role VALUES (72, 1, 53, 21, 'author', 2);
INSERT INTO public.role VALUES (73, 1, 54, 21, 'author', 3);
INSERT INTO public.role VALUES (74, 1, 55, 21, 'author', 4);
INSERT INTO public.role VALUES (75, 1, 56, 22, 'author', 0);
INSERT INTO public.role VALUES (76, 1, 57, 22, 'author', 1);
INSERT INTO public.role VALUES (77, 1, 58, 22, 'author', 2);


--
-- Data for Name: subscription; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.subscription VALUES (1, 2, 'discord', '111', 10, '2021-12-13 16:00:00+00');
INSERT INTO public.subscription VALUES (2, 2, 'discord', '111', 0, '2021-12-13 16:00:00+00');
INSERT INTO public.subscription VALUES (3, 2, 'slack', 'U0ALICE', 5, '2021-12-13 16:00:00+00');


--
-- Data for Name: userpreference; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.userpreference VALUES ('discord', '111', 'Europe/Berlin', '2021-12-13 16:00:00+00');
INSERT INTO public.userpreference VALUES ('slack', 'U0ALICE', 'Asia/Tokyo', '2021-12-13 16:00:00+00');
INSERT INTO public.userpreference VALUES ('slack', 'U0BOB', NULL, '2021-12-13 16:00:00+00');


--
-- Data for Name: vote; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.vote VALUES (1, 'slack', 'U0BOB', 'command', '2021-12-13 16:00:00+00');
INSERT INTO public.vote VALUES (1, 'discord', '333', 'reaction', '2021-12-13 16:00:00+00');
INSERT INTO public.vote VALUES (4, 'discord', '111', 'command', '2021-12-13 16:00:00+00');


--
-- Data for Name: workshop; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.workshop VALUES (1, 'mlforsys-2021', 'ML for Systems', 'NeurIPS 2021', '2021-12-13', '2021-12-13', 'America/Los_Angeles', 'http://mlforsystems.org', 'ML for Systems brings machine learning and computer systems researchers together: learned heuristics, optimization, modeling and forecasting for compilers, networks, hardware and data centres, with a focus this year on security, privacy, energy and shared tools, plus the workshop''s first competition.', '{}', '{"moderators": {"discord_manage_messages": true, "discord_roles": [], "slack_usergroups": [], "slack_users": []}, "premoderation": false}', '{"announce": [10, 0], "speakers": [60, 10], "subscriber_default": 10}', 2);


--
-- Name: item_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.item_id_seq', 22, true);


--
-- Name: person_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.person_id_seq', 58, true);


--
-- Name: programchange_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.programchange_id_seq', 1, true);


--
-- Name: qathread_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.qathread_id_seq', 2, true);


--
-- Name: question_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.question_id_seq', 4, true);


--
-- Name: role_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.role_id_seq', 77, true);


--
-- Name: subscription_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.subscription_id_seq', 3, true);


--
-- Name: workshop_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.workshop_id_seq', 1, true);


--
-- Name: delivery delivery_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.delivery
    ADD CONSTRAINT delivery_pkey PRIMARY KEY (key);


--
-- Name: directchannel directchannel_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.directchannel
    ADD CONSTRAINT directchannel_pkey PRIMARY KEY (platform, user_id);


--
-- Name: item item_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.item
    ADD CONSTRAINT item_pkey PRIMARY KEY (id);


--
-- Name: item item_workshop_id_slug_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.item
    ADD CONSTRAINT item_workshop_id_slug_key UNIQUE (workshop_id, slug);


--
-- Name: person person_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.person
    ADD CONSTRAINT person_pkey PRIMARY KEY (id);


--
-- Name: person person_workshop_id_key_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.person
    ADD CONSTRAINT person_workshop_id_key_key UNIQUE (workshop_id, key);


--
-- Name: programchange programchange_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.programchange
    ADD CONSTRAINT programchange_pkey PRIMARY KEY (id);


--
-- Name: qathread qathread_item_id_platform_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.qathread
    ADD CONSTRAINT qathread_item_id_platform_key UNIQUE (item_id, platform);


--
-- Name: qathread qathread_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.qathread
    ADD CONSTRAINT qathread_pkey PRIMARY KEY (id);


--
-- Name: question question_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.question
    ADD CONSTRAINT question_pkey PRIMARY KEY (id);


--
-- Name: question question_platform_message_ref_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.question
    ADD CONSTRAINT question_platform_message_ref_key UNIQUE (platform, message_ref);


--
-- Name: role role_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.role
    ADD CONSTRAINT role_pkey PRIMARY KEY (id);


--
-- Name: subscription subscription_item_id_platform_user_id_offset_minutes_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscription
    ADD CONSTRAINT subscription_item_id_platform_user_id_offset_minutes_key UNIQUE (item_id, platform, user_id, offset_minutes);


--
-- Name: subscription subscription_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscription
    ADD CONSTRAINT subscription_pkey PRIMARY KEY (id);


--
-- Name: userpreference userpreference_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.userpreference
    ADD CONSTRAINT userpreference_pkey PRIMARY KEY (platform, user_id);


--
-- Name: vote vote_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vote
    ADD CONSTRAINT vote_pkey PRIMARY KEY (question_id, platform, user_id);


--
-- Name: workshop workshop_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.workshop
    ADD CONSTRAINT workshop_pkey PRIMARY KEY (id);


--
-- Name: workshop workshop_slug_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.workshop
    ADD CONSTRAINT workshop_slug_key UNIQUE (slug);


--
-- Name: ix_delivery_item_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_delivery_item_id ON public.delivery USING btree (item_id);


--
-- Name: ix_delivery_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_delivery_status ON public.delivery USING btree (status);


--
-- Name: ix_item_workshop_start; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_item_workshop_start ON public.item USING btree (workshop_id, start);


--
-- Name: ix_person_workshop_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_person_workshop_id ON public.person USING btree (workshop_id);


--
-- Name: ix_programchange_workshop_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_programchange_workshop_id ON public.programchange USING btree (workshop_id);


--
-- Name: ix_qathread_platform_thread; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_qathread_platform_thread ON public.qathread USING btree (platform, thread_id);


--
-- Name: ix_question_item_status; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_question_item_status ON public.question USING btree (item_id, status);


--
-- Name: ix_role_item_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_role_item_id ON public.role USING btree (item_id);


--
-- Name: ix_role_workshop_person; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_role_workshop_person ON public.role USING btree (workshop_id, person_id);


--
-- Name: ix_subscription_item_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_subscription_item_id ON public.subscription USING btree (item_id);


--
-- Name: delivery delivery_item_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.delivery
    ADD CONSTRAINT delivery_item_id_fkey FOREIGN KEY (item_id) REFERENCES public.item(id);


--
-- Name: item item_workshop_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.item
    ADD CONSTRAINT item_workshop_id_fkey FOREIGN KEY (workshop_id) REFERENCES public.workshop(id);


--
-- Name: person person_workshop_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.person
    ADD CONSTRAINT person_workshop_id_fkey FOREIGN KEY (workshop_id) REFERENCES public.workshop(id);


--
-- Name: programchange programchange_workshop_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.programchange
    ADD CONSTRAINT programchange_workshop_id_fkey FOREIGN KEY (workshop_id) REFERENCES public.workshop(id);


--
-- Name: qathread qathread_item_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.qathread
    ADD CONSTRAINT qathread_item_id_fkey FOREIGN KEY (item_id) REFERENCES public.item(id);


--
-- Name: question question_item_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.question
    ADD CONSTRAINT question_item_id_fkey FOREIGN KEY (item_id) REFERENCES public.item(id);


--
-- Name: role role_item_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.role
    ADD CONSTRAINT role_item_id_fkey FOREIGN KEY (item_id) REFERENCES public.item(id);


--
-- Name: role role_person_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.role
    ADD CONSTRAINT role_person_id_fkey FOREIGN KEY (person_id) REFERENCES public.person(id);


--
-- Name: role role_workshop_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.role
    ADD CONSTRAINT role_workshop_id_fkey FOREIGN KEY (workshop_id) REFERENCES public.workshop(id);


--
-- Name: subscription subscription_item_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.subscription
    ADD CONSTRAINT subscription_item_id_fkey FOREIGN KEY (item_id) REFERENCES public.item(id);


--
-- Name: vote vote_question_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.vote
    ADD CONSTRAINT vote_question_id_fkey FOREIGN KEY (question_id) REFERENCES public.question(id);


--
-- PostgreSQL database dump complete
--


